package dev.torpor.lifecycle;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.checkpoint.Integrity;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.runtime.ContainerRuntime;
import dev.torpor.runtime.ContainerStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** What a node finds of its previous run when it starts: records, images and containers, taken back or cleared. */
final class Recovery {
    private static final System.Logger LOG = System.getLogger("torpor.lifecycle");
    private final ContainerRuntime runtime;
    private final CheckpointStore images;
    private final InstanceStore store;
    private final MemoryBudget budget;
    private final InstanceOperations ops;
    private final LiveInstances live;
    private final Function<String, Optional<FunctionDefinition>> functions;
    private final Duration initTimeout;
    private final Clock clock;
    private final InterruptedDumps interrupted;

    Recovery(ContainerRuntime runtime, CheckpointStore images, InstanceStore store, MemoryBudget budget, InstanceOperations ops,
             LiveInstances live, Function<String, Optional<FunctionDefinition>> functions, Clock clock, Duration initTimeout) {
        this.clock = clock;
        this.runtime = runtime;
        this.images = images;
        this.store = store;
        this.budget = budget;
        this.ops = ops;
        this.live = live;
        this.functions = functions;
        this.initTimeout = initTimeout;
        this.interrupted = new InterruptedDumps(runtime, images, ops);
    }

    /**
     * Picks up after a restart, kill -9 included. Checkpointed instances wait for their next event as before.
     * Containers left running are taken back through a checkpoint, which also gives them fresh output pipes (the old
     * ones ended with the old agent); those that cannot be checkpointed are stopped. An image found damaged (its
     * manifest unreadable, a file missing or resized) is quarantined and its instance listed FAILED, saying why; one
     * instance that cannot be taken back never keeps the others down. A checkpoint the node was killed in is settled
     * first ({@link InterruptedDumps}). Nothing else is left behind.
     */
    void run() throws InterruptedException {
        runtime.awaitLeftoverCommands(); // a killed node's dumps run on: their outcome is read once they end
        List<String> running = runtime.list();
        for (Instance.Snapshot s : store.loadAll()) {
            try {
                recover(s, running.contains(s.id()));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "instance " + s.id() + " could not be taken back after a restart", e);
            }
        }
        images.awaitCommits(); // of the checkpoints that took running containers back, not to be swept
        images.sweepIncomplete(); // the dumps left unfinished that were not adopted
        for (String id : running) {
            if (!live.holds(id)) runtime.remove(id);
        }
        runtime.keepOnly(Set.copyOf(live.byId().keySet()));
    }

    private void recover(Instance.Snapshot s, boolean running) throws InterruptedException {
        Optional<FunctionDefinition> fn = functions.apply(s.function()).filter(f -> f.revision() == s.revision());
        if (fn.isEmpty()) {
            drop(s.id());
            return;
        }
        interrupted.settle(s, fn.get(), running);
        InstanceState state = running ? InstanceState.STARTING : InstanceState.CHECKPOINTED;
        Instance instance = new Instance(s.id(), s.function(), s.revision(), s.memoryBytes(), state, clock.instant());
        instance.restoreCounters(s.checkpoints(), s.restores(), s.invocations(), s.imageBytes(), s.lastError(), s.lost());
        if (running) {
            try (Claim claim = instance.tryClaim().orElseThrow()) { // before anyone else can see it
                adopt(live.takeIn(instance, fn.get()), claim, fn.get());
            }
            return;
        }
        Optional<CheckpointStore.Image> image;
        try {
            image = images.latest(s.id());
            image.ifPresent(Integrity::requireListed);
        } catch (TorporException e) {
            ops.quarantine(live.takeIn(instance, fn.get()), "recovery", e);
            return;
        }
        if (image.isEmpty()) {
            remember(s, fn.get());
            return;
        }
        live.takeIn(instance, fn.get());
    }

    /**
     * An instance with neither process nor image: one that ended (moved, stopped) goes; any other is listed FAILED,
     * its loss told unless its record already says it failed.
     */
    private void remember(Instance.Snapshot s, FunctionDefinition fn) {
        if (s.state().terminal()) {
            drop(s.id());
            return;
        }
        Instance failed = new Instance(s.id(), s.function(), s.revision(), s.memoryBytes(), InstanceState.FAILED, clock.instant());
        failed.restoreCounters(s.checkpoints(), s.restores(), s.invocations(), 0, s.lastError(), s.lost());
        LiveInstance l = live.takeIn(failed, fn);
        if (s.state() != InstanceState.FAILED) {
            ops.lose(l, StateLoss.Reason.GONE_AT_RESTART, "its process ended while the node was down, and it had no checkpoint image");
        }
    }

    /** What a previous run left of an instance that cannot come back: container, images and record. */
    private void drop(String id) {
        runtime.remove(id);
        images.delete(id);
        live.dropRecord(id);
    }

    private void adopt(LiveInstance l, Claim claim, FunctionDefinition fn) throws InterruptedException {
        budget.adopt(l.id(), l.instance.memoryBytes());
        try {
            l.channel.open();
            if (runtime.status(l.id()).map(st -> st.state() == ContainerStatus.State.PAUSED).orElse(false)) {
                runtime.resume(l.id());
            }
            if (claim.settle(initTimeout) != InstanceState.IDLE) {
                throw new TorporException(ErrorKind.FAILED, "its relay did not come back");
            }
            ops.checkpoint(l, fn);
        } catch (TorporException e) {
            ops.lose(l, StateLoss.Reason.GONE_AT_RESTART, "could not be taken back after a restart: " + e.detail());
        }
    }
}
