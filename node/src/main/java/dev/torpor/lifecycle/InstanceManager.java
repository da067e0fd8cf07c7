package dev.torpor.lifecycle;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.runtimeapi.RuntimeApiRenderer;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.checkpoint.Compatibility;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.Invocation;
import dev.torpor.function.InvocationResult;
import dev.torpor.function.SuspendPolicy;
import dev.torpor.lifecycle.LifecycleObserver.Outcome;
import dev.torpor.lifecycle.LifecycleObserver.Throttle;
import dev.torpor.lifecycle.LifecycleObserver.Wake;
import dev.torpor.runtime.ContainerRuntime;
import dev.torpor.runtime.MigrationSupport;
import dev.torpor.runtime.RuntimeVersions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Serves invocations with long-lived instances: routes each to an instance of its function, wakes that instance
 * (resume, restore, or a fresh start) and keeps the node inside its memory budget by checkpointing the least
 * recently used idle instances. Idle instances are suspended by their function's policy.
 */
public final class InstanceManager implements AutoCloseable {
    /** Where instance files live and how long to wait for things that may never come. */
    public record Settings(Path instancesDir, String region, Duration initTimeout, Duration admissionTimeout) {}

    private final ContainerRuntime runtime;
    private final CheckpointStore images;
    private final MemoryBudget budget;
    private final DeferringInstanceStore store;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final Settings settings;
    private final Function<String, Optional<FunctionDefinition>> functions;
    private final InstanceOperations ops;
    private final LifecycleObserver observer;
    private final LiveInstances live;
    /** The claims of instances between {@link #beginMigration} and {@link #endMigration}. */
    private final Map<String, Claim> moving = new ConcurrentHashMap<>();
    private final MemoryRoom room;
    private final Admission admission;
    private final BackupCopies copies;
    private final Dispatch dispatch;

    public InstanceManager(ContainerRuntime runtime, CheckpointStore images, MemoryBudget budget, InstanceStore store,
                           LifecycleObserver observer, Clock clock, ScheduledExecutorService timers, Settings settings,
                           Function<String, Optional<FunctionDefinition>> functions,
                           Function<FunctionDefinition, dev.torpor.function.Launch> launches) {
        this.runtime = runtime;
        this.images = images;
        this.budget = budget;
        this.store = new DeferringInstanceStore(store);
        this.clock = clock;
        this.timers = timers;
        this.settings = settings;
        this.functions = functions;
        this.observer = observer;
        this.ops = new InstanceOperations(runtime, images, budget, this.store, observer, clock);
        this.live = new LiveInstances(this.store, settings.instancesDir(), settings.region(), launches, clock, this::onWaiting, this::onExit);
        this.room = new MemoryRoom(budget, ops, clock, settings.admissionTimeout(), live.byId(), this::policy, functions);
        this.admission = new Admission(room, observer, settings.admissionTimeout());
        this.copies = new BackupCopies(ops, images, clock, this::scheduleIdle);
        this.dispatch = new Dispatch(ops, clock);
    }

    public MigrationSupport migrationSupport() {
        return runtime.migrationSupport();
    }

    public RuntimeVersions versions() {
        return ops.versions();
    }

    /** What decides whether an image can be restored here: every restore asks it. */
    public Compatibility compatibility() {
        return ops.compatibility();
    }

    public MemoryBudget budget() {
        return budget;
    }

    // ---- invocations -------------------------------------------------------------------------------------------

    /**
     * Runs one invocation to its end: the function's answer, its error, or its timeout. {@code gate} is asked at each
     * step that may run the function, since an invocation can wait long for its instance (one busy, being backed up
     * or suspended); an answer that comes after the gate closed is withheld (CONFLICT): the node that may run the
     * function now could already have answered others from another copy.
     */
    public InvocationResult invoke(FunctionDefinition fn, Invocation inv, ServingGate gate) throws InterruptedException {
        Instant arrived = clock.instant();
        try (Admission.Slot slot = admission.enter(fn)) {
            Wake woke = Wake.WARM;
            Outcome outcome = Outcome.FAILED;
            boolean refused = false;
            try {
                Optional<Serving> serving = claimOrStart(fn, gate);
                if (serving.isEmpty()) {
                    woke = Wake.START;
                    return live.startFailure(fn.name());
                }
                LiveInstance inst = serving.get().inst();
                try (Claim claim = serving.get().claim()) {
                    woke = serving.get().started() ? Wake.START : Wake.WARM; // told even if the wake fails
                    Wake how = wake(inst, claim, fn, gate);
                    if (woke == Wake.WARM) woke = how;
                    gate.check(fn.name());
                    Dispatch.Answer answer = dispatch.run(inst, fn, inv);
                    try {
                        gate.check(fn.name());
                    } catch (TorporException e) {
                        throw TorporException.conflict("the invocation ran but its answer is withheld: " + e.getMessage());
                    }
                    outcome = answer.outcome();
                    return answer.result();
                } finally {
                    scheduleIdle(inst);
                }
            } catch (TorporException e) {
                refused = e.kind() == ErrorKind.TOO_MANY_REQUESTS; // a throttle, told where it was refused
                throw e;
            } finally {
                if (!refused) observer.invoked(fn.name(), woke, outcome, Duration.between(arrived, clock.instant()));
            }
        }
    }

    /** An instance an invocation holds the claim of. */
    private record Serving(LiveInstance inst, Claim claim, boolean started) {}

    /**
     * Claims an instance of the function's current code, or starts one if the gate lets it run here; empty when the
     * start failed.
     */
    private Optional<Serving> claimOrStart(FunctionDefinition fn, ServingGate gate) throws InterruptedException {
        List<LiveInstance> mine = live.cheapestFirst(fn);
        for (LiveInstance l : mine) {
            Optional<Claim> claim = l.instance.tryClaim();
            if (claim.isPresent() && alive(claim.get())) return Optional.of(new Serving(l, claim.get(), false));
        }
        // At its limit with all claimed by something other than an invocation (a backup, a manual checkpoint):
        // wait for one rather than start a second copy of a stateful function.
        List<LiveInstance> usable = mine.stream().filter(l -> usable(l.instance.snapshot().state())).toList();
        if (!usable.isEmpty() && usable.size() >= fn.maxInstances()) {
            Optional<Claim> claim = usable.getFirst().instance.claimWithin(settings.admissionTimeout());
            if (claim.isPresent() && alive(claim.get())) return Optional.of(new Serving(usable.getFirst(), claim.get(), false));
            if (usable(usable.getFirst().instance.snapshot().state())) {
                throw admission.throttled(fn, Throttle.ADMISSION_TIMEOUT, "Rate Exceeded: " + fn.name()
                        + "'s instance stayed claimed for " + settings.admissionTimeout());
            }
        }
        mine.stream().filter(l -> l.instance.snapshot().state() == InstanceState.FAILED
                || l.instance.snapshot().state() == InstanceState.STOPPED).forEach(live::forget);
        gate.check(fn.name());
        Instance created = live.fresh(fn);
        Claim claim = created.tryClaim().orElseThrow(); // before anyone else can see it
        LiveInstance fresh = live.takeIn(created, fn);
        try {
            admission.reserve(fresh, fn);
            ops.start(fresh, settings.initTimeout());
            return Optional.of(new Serving(fresh, claim, true));
        } catch (TorporException e) {
            claim.close();
            if (e.kind() == ErrorKind.TOO_MANY_REQUESTS) {
                ops.stop(fresh, LifecycleEvent.STOP);
                live.forget(fresh);
                throw e;
            }
            return Optional.empty();
        }
    }

    /** Whether a claimed instance, once settled, can serve; one that crashed meanwhile (as Lambda's) is let go. */
    private boolean alive(Claim claim) throws InterruptedException {
        if (usable(claim.settle(settings.admissionTimeout()))) return true;
        claim.close();
        return false;
    }

    private static boolean usable(InstanceState s) {
        return s != InstanceState.FAILED && !s.terminal();
    }

    /** Brings a claimed instance to IDLE and says how (a restore outweighs a resume); asks the gate before a wake. */
    private Wake wake(LiveInstance inst, Claim claim, FunctionDefinition fn, ServingGate gate) throws InterruptedException {
        Instant deadline = clock.instant().plus(settings.admissionTimeout());
        Wake how = Wake.WARM;
        while (true) {
            InstanceState s = claim.settle(Duration.between(clock.instant(), deadline));
            switch (s) {
                case IDLE -> {
                    return how;
                }
                case PAUSED -> {
                    gate.check(fn.name());
                    ops.resume(inst);
                    if (how == Wake.WARM) how = Wake.RESUME;
                }
                case CHECKPOINTED -> {
                    gate.check(fn.name());
                    admission.reserve(inst, fn);
                    ops.restore(inst, fn, Optional.empty());
                    how = Wake.RESTORE;
                }
                default -> throw TorporException.notReady("instance " + inst.id() + " is " + s);
            }
            if (clock.instant().isAfter(deadline)) {
                throw TorporException.notReady("instance " + inst.id() + " did not become ready in time");
            }
        }
    }

    // ---- idle policy -------------------------------------------------------------------------------------------

    private void scheduleIdle(LiveInstance inst) {
        scheduleIdle(inst, Duration.ZERO);
    }

    /** Suspends the instance once idle for its policy's time, {@code alreadyIdle} of which has passed. */
    private void scheduleIdle(LiveInstance inst, Duration alreadyIdle) {
        Instance.Snapshot s = inst.instance.snapshot();
        if (s.state() != InstanceState.IDLE || s.claimed()) return;
        SuspendPolicy policy = policy(s.function());
        if (policy.mode() == SuspendPolicy.Mode.NONE) return;
        long at = s.transitions();
        timers.schedule(() -> Thread.ofVirtual().start(() -> suspendIdle(inst, at, policy)),
                Math.max(0, policy.idle().minus(alreadyIdle).toMillis()), TimeUnit.MILLISECONDS);
    }

    /**
     * Suspends an instance still idle since it was scheduled, under its claim; a failed checkpoint falls back to a
     * pause.
     */
    private void suspendIdle(LiveInstance inst, long transitions, SuspendPolicy policy) {
        Optional<Claim> claim = inst.instance.claimIfUntouched(transitions);
        if (claim.isEmpty()) return;
        try (Claim held = claim.get()) {
            if (policy.mode() == SuspendPolicy.Mode.CHECKPOINT && !inst.checkpointsRefused(clock.instant())) {
                Optional<FunctionDefinition> fn = functions.apply(inst.instance.function());
                if (fn.isEmpty()) return;
                try {
                    ops.checkpoint(inst, fn.get());
                    return;
                } catch (TorporException e) {
                    // recorded on the instance, which runs on: a pause is the next best thing
                }
            }
            if (inst.instance.snapshot().state() == InstanceState.IDLE) ops.pause(inst);
        }
    }

    private SuspendPolicy policy(String function) {
        return functions.apply(function).map(FunctionDefinition::suspendPolicy).orElse(SuspendPolicy.DEFAULT);
    }

    // ---- instances ---------------------------------------------------------------------------------------------

    private void onWaiting(LiveInstance inst) {
        InstanceState s = inst.instance.snapshot().state();
        if (s == InstanceState.STARTING || s == InstanceState.BUSY) {
            try {
                ops.transition(inst, LifecycleEvent.READY);
            } catch (TorporException e) {
                return; // moved on meanwhile (stopped, timed out): nothing to do
            }
            scheduleIdle(inst);
        }
    }

    private void onExit(LiveInstance inst, int status) {
        if (inst.instance.snapshot().state().resident()) {
            ops.lose(inst, StateLoss.ofExit(status), "function process exited with status " + status);
        }
    }

    // ---- management --------------------------------------------------------------------------------------------

    public List<Instance.Snapshot> list() {
        return live.all().stream().map(l -> l.instance.snapshot()).sorted(Comparator.comparing(Instance.Snapshot::id)).toList();
    }

    public Instance.Snapshot get(String id) {
        return live.find(id).instance.snapshot();
    }

    public long residentBytes(String id) {
        return live.find(id).instance.snapshot().state().resident() ? runtime.residentBytes(id) : 0;
    }

    public Path logFile(String id) {
        return live.find(id).log.file();
    }

    /** Checkpoints an instance now, whatever its policy; a failure leaves it running and is thrown. */
    public Instance.Snapshot checkpoint(String id) throws InterruptedException {
        LiveInstance inst = live.find(id);
        FunctionDefinition fn = definition(inst);
        try (Claim claim = claimNow(inst, "is serving an invocation")) {
            InstanceState s = inst.instance.snapshot().state();
            if (s == InstanceState.CHECKPOINTED) return inst.instance.snapshot();
            if (s == InstanceState.PAUSED) ops.resume(inst);
            ops.checkpoint(inst, fn);
            // The idle policy frees the memory and lets the image complete in the background; a caller of this
            // API is answered once the image is complete on disk, so a crash right after cannot lose the instance.
            if (images.latest(id).isEmpty()) {
                throw new TorporException(ErrorKind.FAILED, "the checkpoint image of " + id + " could not be completed: "
                        + inst.instance.snapshot().lastError());
            }
            return inst.instance.snapshot();
        }
    }

    /** The instance's claim, settled, or CONFLICT when someone else holds it ({@code why}). */
    private Claim claimNow(LiveInstance inst, String why) throws InterruptedException {
        return inst.instance.claimSettled(Duration.ZERO, settings.admissionTimeout())
                .orElseThrow(() -> TorporException.conflict("instance " + inst.id() + " " + why));
    }

    /**
     * A copy of the instance's state for a backup, in {@code into}: a leave-running dump taken between invocations (it
     * carries on afterwards), or the image of a checkpointed one, linked. Waits up to {@code wait} for a moment
     * between invocations; empty when none came, or the instance is being suspended. Invocations wait meanwhile.
     */
    public Optional<CheckpointStore.Image> backup(String id, CheckpointStore into, Duration wait) throws InterruptedException {
        LiveInstance inst = live.find(id);
        return copies.take(inst, definition(inst), into, wait);
    }

    /** Restores a checkpointed instance now, making room in the budget as an invocation would. */
    public Instance.Snapshot restore(String id) throws InterruptedException {
        return restore(id, Optional.empty()).instance();
    }

    /** A restore whose memory may still be on its way: {@code pagesArrived} completes when all of it is here. */
    public record Restored(Instance.Snapshot instance, CompletableFuture<Void> pagesArrived) {}

    /** As {@link #restore(String)}, for an image holding only eager pages: the rest come from a CRIU page server. */
    public Restored restore(String id, Optional<InetSocketAddress> lazyPagesFrom) throws InterruptedException {
        LiveInstance inst = live.find(id);
        FunctionDefinition fn = definition(inst);
        try (Claim claim = claimNow(inst, "is serving an invocation")) {
            InstanceState s = inst.instance.snapshot().state();
            if (s != InstanceState.CHECKPOINTED) throw TorporException.conflict("instance " + id + " is " + s + ", not CHECKPOINTED");
            room.reserve(inst, fn.name());
            CompletableFuture<Void> arrived = ops.restore(inst, fn, lazyPagesFrom);
            return new Restored(inst.instance.snapshot(), arrived);
        } finally {
            scheduleIdle(inst);
        }
    }

    /**
     * Freezes an instance for a move to another node: checkpointed if it runs, then MIGRATING, and claimed until
     * {@link #endMigration}, so nothing else touches it (a second migration is refused). Returns its image, complete
     * with checksums if {@code sealed}, else as soon as CRIU wrote it (its manifest may list no files yet).
     */
    public CheckpointStore.Image beginMigration(String id, boolean sealed) throws InterruptedException {
        LiveInstance inst = live.find(id);
        FunctionDefinition fn = definition(inst);
        Claim claim = claimNow(inst, "is busy or already moving");
        try {
            if (inst.instance.snapshot().state() == InstanceState.PAUSED) ops.resume(inst);
            if (inst.instance.snapshot().state() == InstanceState.IDLE) ops.checkpoint(inst, fn);
            ops.transition(inst, LifecycleEvent.MIGRATE);
            CheckpointStore.Image image = (sealed ? images.latest(id) : images.newest(id))
                    .orElseThrow(() -> new TorporException(ErrorKind.NOT_FOUND, "instance " + id + " has no image"));
            moving.put(id, claim);
            return image;
        } catch (RuntimeException e) {
            claim.close();
            throw e;
        }
    }

    /** Ends a move: gone from here once the target confirmed its restore, else back to CHECKPOINTED here. */
    public void endMigration(String id, boolean moved) {
        LiveInstance inst = live.find(id);
        try (Claim claim = moving.remove(id)) {
            ops.transition(inst, moved ? LifecycleEvent.MIGRATED : LifecycleEvent.ABORTED);
            if (moved) {
                ops.handedOver(inst);
                live.forget(inst);
            }
        }
    }

    /** Takes in an instance whose image another node sent and this node's checkpoint store now holds. */
    public Instance.Snapshot adoptCheckpointed(String id, FunctionDefinition fn) {
        if (live.holds(id)) throw new TorporException(ErrorKind.ALREADY_EXISTS, "instance " + id + " is already here");
        Instance instance = new Instance(id, fn.name(), fn.revision(), fn.memoryBytes(), InstanceState.CHECKPOINTED, clock.instant());
        images.latest(id).ifPresent(img -> instance.recordImageBytes(img.manifest().totalBytes()));
        live.takeIn(instance, fn);
        return instance.snapshot();
    }

    /** Whether {@code bytes} more could be made resident, now or by checkpointing idle instances. */
    public boolean canMakeRoom(long bytes) {
        return room.canMake(bytes);
    }

    /** Forgets an instance that never got going here (a migration in that failed): its files and records go. */
    public void discard(String id) {
        Optional<LiveInstance> inst = live.get(id);
        if (inst.isEmpty()) {
            images.delete(id);
            return;
        }
        ops.stop(inst.get(), LifecycleEvent.STOP);
        live.forget(inst.get());
    }

    /** Ends every instance of a function (deleted, or its code replaced): containers, images and records go. */
    public void retire(String function) {
        for (LiveInstance l : List.copyOf(live.all())) {
            if (!l.instance.function().equals(function)) continue;
            ops.stop(l, LifecycleEvent.STOP);
            live.forget(l);
        }
    }

    /** Picks up after a restart, kill -9 included ({@link Recovery}). */
    public void recover() throws InterruptedException {
        new Recovery(runtime, images, store, budget, ops, live, functions, clock, settings.initTimeout()).run();
    }

    /**
     * Checkpoints what can be (idle and paused instances, and busy ones once they ask for their next event), so a
     * restart finds the instances' state on disk; the rest keeps running.
     */
    public void shutdown() {
        timers.shutdownNow();
        for (LiveInstance l : List.copyOf(live.all())) {
            InstanceState state = l.instance.snapshot().state();
            if (state != InstanceState.IDLE && state != InstanceState.PAUSED && state != InstanceState.BUSY) continue;
            try {
                checkpoint(l.id());
            } catch (TorporException e) {
                // left running: the next start takes it back
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        images.awaitCommits(); // a restart must find every image complete
        close();
    }

    @Override
    public void close() {
        timers.shutdownNow();
        live.all().forEach(l -> l.channel.close());
        runtime.release();
    }

    private FunctionDefinition definition(LiveInstance inst) {
        return functions.apply(inst.instance.function())
                .orElseThrow(() -> TorporException.notFound("Function not found: " + inst.instance.function()));
    }
}
