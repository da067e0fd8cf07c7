package dev.torpor.lifecycle;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.checkpoint.Compatibility;
import dev.torpor.checkpoint.FormatVersions;
import dev.torpor.checkpoint.Integrity;
import dev.torpor.checkpoint.Manifest;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.runtime.ContainerRuntime;
import dev.torpor.runtime.RuntimeVersions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The side effects of the lifecycle. Each operation moves the instance into its {@code -ING} state, runs runc or
 * CRIU, and ends with the outcome event; a failure ends with ABORTED, leaving the instance as it was, and says why.
 */
final class InstanceOperations {
    private static final Duration DETACH_TIMEOUT = Duration.ofSeconds(2);
    /** A post-copy's remaining pages arrive at link speed: minutes on a slow link for a big function. */
    private static final Duration PAGES_TIMEOUT = Duration.ofMinutes(10);

    private final ContainerRuntime runtime;
    private final CheckpointStore images;
    private final MemoryBudget budget;
    private final InstanceStore store;
    private final LifecycleObserver observer;
    private final Clock clock;
    private final RuntimeVersions versions;
    private final Compatibility compatibility;

    InstanceOperations(ContainerRuntime runtime, CheckpointStore images, MemoryBudget budget, InstanceStore store,
                       LifecycleObserver observer, Clock clock) {
        this.runtime = runtime;
        this.images = images;
        this.budget = budget;
        this.store = store;
        this.observer = observer;
        this.clock = clock;
        this.versions = runtime.versions();
        this.compatibility = new Compatibility(versions.architecture(), versions.criu(), runtime::cpuRefusal);
    }

    RuntimeVersions versions() {
        return versions;
    }

    Compatibility compatibility() {
        return compatibility;
    }

    /** Applies an event, and writes the record when a restart needs it; the one way operations change an instance. */
    InstanceState transition(LiveInstance live, LifecycleEvent event) {
        InstanceState to = live.instance.apply(event, clock.instant());
        Instance.Snapshot s = live.instance.snapshot();
        if (event.recorded()) store.save(s);
        observer.transitioned(s, event);
        return to;
    }

    /** Starts the container; the instance becomes IDLE when the function first asks for an event. */
    void start(LiveInstance live, Duration initTimeout) throws InterruptedException {
        Instant t0 = clock.instant();
        live.channel.open();
        try {
            runtime.start(live.spec, live.log);
        } catch (TorporException e) {
            fail(live, "start failed: " + e.detail());
            throw e;
        }
        InstanceState s = live.instance.awaitSettled(initTimeout);
        if (s != InstanceState.IDLE) {
            String why = s == InstanceState.STARTING ? "did not ask for an event within " + initTimeout : "ended while starting";
            fail(live, why);
            throw new TorporException(ErrorKind.FAILED, "function " + live.instance.function() + " " + why);
        }
        observer.started(live.instance.snapshot(), Duration.between(t0, clock.instant()));
    }

    /** Freezes a claimed idle instance; a failure leaves it idle, as it was, and is recorded on it. */
    void pause(LiveInstance live) {
        transition(live, LifecycleEvent.PAUSE);
        Instant t0 = clock.instant();
        try {
            runtime.pause(live.id());
        } catch (TorporException e) {
            abort(live, "pause", e);
            return;
        }
        transition(live, LifecycleEvent.PAUSED);
        observer.paused(live.instance.snapshot(), Duration.between(t0, clock.instant()));
    }

    void resume(LiveInstance live) {
        transition(live, LifecycleEvent.RESUME);
        Instant t0 = clock.instant();
        try {
            runtime.resume(live.id());
        } catch (TorporException e) {
            abort(live, "resume", e);
            throw e;
        }
        transition(live, LifecycleEvent.RESUMED);
        observer.resumed(live.instance.snapshot(), Duration.between(t0, clock.instant()));
    }

    /**
     * Dumps a claimed idle instance to disk and frees its memory. When the dump fails the instance keeps running, idle,
     * and the reason is recorded and thrown; the caller decides the fallback. When the dump succeeded but its image
     * cannot be completed, the process is gone with no usable image: the instance fails, and the reason is thrown too.
     */
    void checkpoint(LiveInstance live, FunctionDefinition fn) {
        transition(live, LifecycleEvent.CHECKPOINT);
        dump(live, fn);
    }

    private void dump(LiveInstance live, FunctionDefinition fn) {
        Instant t0 = clock.instant();
        Path dir = null;
        try {
            live.awaitAllPages(PAGES_TIMEOUT);
            live.channel.detach(DETACH_TIMEOUT);
            dir = images.begin(live.id());
            runtime.checkpoint(live.id(), dir, false);
        } catch (TorporException e) {
            if (dir != null) images.discard(dir);
            live.channel.open();
            live.refuseCheckpointsUntil(clock.instant().plus(LiveInstance.CHECKPOINT_RETRY_AFTER));
            abort(live, "checkpoint", e);
            throw e;
        }
        // The process is gone and its memory free: the instance is checkpointed now. Completing the image
        // (checksums, fsync, manifest) goes on in the background where the store does it so (commitLater is
        // under way before the transition, so a restore or a transfer waits for it in images.latest()). Should
        // it fail, the dump has already ended the process: the instance is lost.
        live.channel.close();
        budget.release(live.id());
        live.instance.recordImageBytes(CheckpointStore.bytesOf(dir));
        Path image = dir;
        CompletableFuture<Manifest> completing = images.commitLater(dir, manifest(live, fn, t0));
        if (completing.isCompletedExceptionally()) { // a store that completes at once, and failed
            TorporException e = commitFailure(completing.exceptionNow());
            images.discard(image);
            lose(live, StateLoss.Reason.UNFINISHED_IMAGE, "checkpoint image could not be completed: " + why(e));
            throw e;
        }
        transition(live, LifecycleEvent.CHECKPOINTED);
        Duration took = Duration.between(t0, clock.instant());
        completing.whenComplete((m, e) -> {
            if (e == null) {
                live.instance.recordImageBytes(m.totalBytes());
                store.save(live.instance.snapshot());
                observer.checkpointed(live.instance.snapshot(), took, m.totalBytes());
                return;
            }
            images.discard(image);
            if (live.instance.snapshot().state() == InstanceState.CHECKPOINTED) {
                lose(live, StateLoss.Reason.UNFINISHED_IMAGE, "checkpoint image could not be completed: " + why(commitFailure(e)));
            }
        });
    }

    private static TorporException commitFailure(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof TorporException t ? t
                : new TorporException(ErrorKind.FAILED, "cannot complete the checkpoint image", cause);
    }

    private static String why(TorporException e) {
        return e.detail() + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")");
    }

    /**
     * Dumps a claimed idle instance into {@code into} and leaves it running: the relay lets go of the channel for the
     * dump (CRIU cannot dump a connected socket to us) and reconnects after, sending its pending {@code next} again.
     * A failure leaves the instance idle, as it was.
     */
    CheckpointStore.Image backup(LiveInstance live, FunctionDefinition fn, CheckpointStore into) {
        transition(live, LifecycleEvent.BACKUP);
        Instant t0 = clock.instant();
        Path dir = null;
        try {
            live.awaitAllPages(PAGES_TIMEOUT);
            live.channel.detach(DETACH_TIMEOUT);
            dir = into.begin(live.id());
            runtime.checkpoint(live.id(), dir, true);
            Manifest m = into.commit(dir, manifest(live, fn, t0));
            live.channel.open();
            transition(live, LifecycleEvent.BACKED_UP);
            return new CheckpointStore.Image(dir, m);
        } catch (TorporException e) {
            if (dir != null) into.discard(dir);
            live.channel.open();
            abort(live, "backup", e);
            throw e;
        }
    }

    /**
     * Brings a checkpointed instance back; memory must already be reserved. On failure the image is kept and the
     * reservation released; an image this node cannot run (see {@link Compatibility}) is refused before CRIU is
     * asked, and the instance stays CHECKPOINTED, saying why. A damaged image (see {@link Integrity}) is refused too,
     * moved into quarantine and the instance FAILED: the store keeps no older image to fall back on, and the next
     * invocation starts the function afresh. With a page server, the image holds only the eager pages and the rest
     * arrive from there after the instance runs.
     */
    CompletableFuture<Void> restore(LiveInstance live, FunctionDefinition fn, Optional<InetSocketAddress> lazyPagesFrom) {
        CheckpointStore.Image image;
        try {
            image = images.latest(live.id()).orElseThrow(() -> new TorporException(
                    ErrorKind.NOT_FOUND, "instance " + live.id() + " has no complete checkpoint image"));
            Integrity.require(image);
        } catch (TorporException e) {
            budget.release(live.id());
            if (e.kind() == ErrorKind.INCOMPATIBLE_IMAGE) quarantine(live, "restore", e);
            throw e;
        }
        try {
            compatibility.require(image, fn.codeSha256());
        } catch (TorporException e) {
            budget.release(live.id());
            live.instance.recordError("restore refused: " + e.detail());
            store.save(live.instance.snapshot());
            observer.operationFailed(live.instance.snapshot(), "restore", e.detail());
            throw e;
        }
        transition(live, LifecycleEvent.RESTORE);
        Instant t0 = clock.instant();
        live.channel.open();
        CompletableFuture<Void> arriving = CompletableFuture.completedFuture(null);
        try {
            if (lazyPagesFrom.isPresent()) {
                arriving = runtime.restoreLazily(live.spec, image.dir(), live.log, lazyPagesFrom.get());
                live.pagesArriving(arriving);
            } else {
                runtime.restore(live.spec, image.dir(), live.log);
            }
        } catch (TorporException e) {
            live.channel.close();
            budget.release(live.id());
            abort(live, "restore", e);
            throw e;
        }
        images.retire(image.dir()); // the process has moved on: this image is stale now
        live.instance.recordImageBytes(0);
        transition(live, LifecycleEvent.RESTORED);
        observer.restored(live.instance.snapshot(), Duration.between(t0, clock.instant()));
        return arriving;
    }

    /** Ends the instance for good: container, channel, image and memory reservation go. */
    void stop(LiveInstance live, LifecycleEvent event) {
        runtime.remove(live.id());
        live.channel.close();
        images.delete(live.id());
        budget.release(live.id());
        try {
            transition(live, event);
        } catch (TorporException e) {
            // already ended: nothing more to record
        }
    }

    /** Lets go of what stays here of an instance another node now runs: its image, channel and address. */
    void handedOver(LiveInstance live) {
        images.delete(live.id());
        live.channel.close();
        runtime.remove(live.id());
    }

    /**
     * Moves the instance's damaged image into quarantine (kept, never restored) and fails the instance, saying why
     * and where the image went. Should the move itself fail, the image stays where it is and that is thrown.
     */
    void quarantine(LiveInstance live, String operation, TorporException damage) {
        Path where = images.quarantine(live.id());
        String why = operation + " refused, the image is damaged and quarantined in " + where + ": " + damage.detail();
        observer.imageQuarantined(live.instance.snapshot(), where);
        observer.operationFailed(live.instance.snapshot(), operation, why);
        lose(live, StateLoss.Reason.DAMAGED_IMAGE, why);
    }

    /**
     * Ends an instance whose state is gone by design ({@link StateLoss}): its record says what and why, and the
     * observers count and log it.
     */
    void lose(LiveInstance live, StateLoss.Reason reason, String what) {
        StateLoss loss = new StateLoss(reason, what, clock.instant());
        live.instance.recordLoss(loss);
        stop(live, LifecycleEvent.FAIL);
        store.save(live.instance.snapshot()); // stop records nothing of an instance already FAILED
        observer.stateLost(live.instance.snapshot(), loss);
    }

    void fail(LiveInstance live, String why) {
        live.instance.recordError(why);
        observer.operationFailed(live.instance.snapshot(), "run", why);
        stop(live, LifecycleEvent.FAIL);
    }

    private void abort(LiveInstance live, String operation, TorporException e) {
        live.instance.recordError(operation + " failed: " + e.detail());
        transition(live, LifecycleEvent.ABORTED);
        observer.operationFailed(live.instance.snapshot(), operation, e.detail());
    }

    private Manifest manifest(LiveInstance live, FunctionDefinition fn, Instant createdAt) {
        return manifest(live.id(), live.instance.memoryBytes(), fn, createdAt);
    }

    /** What an image of the instance dumped here says of itself; its files are listed when it is committed. */
    Manifest manifest(String instanceId, long memoryBytes, FunctionDefinition fn, Instant createdAt) {
        return new Manifest(FormatVersions.IMAGE, fn.name(), instanceId, fn.revision(), fn.codeSha256(),
                memoryBytes, createdAt, versions.runtime(), versions.criu(), versions.kernel(),
                versions.architecture(), java.util.List.of());
    }
}
