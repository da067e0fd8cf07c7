package dev.torpor.lifecycle;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.runtime.ContainerRuntime;
import dev.torpor.runtime.ContainerStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** What a node finds of its previous run when it starts: records, images and containers, taken back or cleared. */
final class Recovery {
    private final ContainerRuntime runtime;
    private final CheckpointStore images;
    private final InstanceStore store;
    private final MemoryBudget budget;
    private final InstanceOperations ops;
    private final LiveInstances live;
    private final Function<String, Optional<FunctionDefinition>> functions;
    private final Duration initTimeout;
    private final Clock clock;

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
    }

    /**
     * Picks up after a restart, kill -9 included. Checkpointed instances wait for their next event as before.
     * Containers left running are taken back through a checkpoint, which also gives them fresh output pipes (the old
     * ones ended with the old agent); those that cannot be checkpointed are stopped. Nothing else is left behind.
     */
    void run() throws InterruptedException {
        images.sweepIncomplete();
        List<String> running = runtime.list();
        for (Instance.Snapshot s : store.loadAll()) {
            Optional<FunctionDefinition> fn = functions.apply(s.function()).filter(f -> f.revision() == s.revision());
            boolean hasImage = images.latest(s.id()).isPresent();
            if (fn.isEmpty() || (!running.contains(s.id()) && !hasImage)) {
                runtime.remove(s.id());
                images.delete(s.id());
                live.dropRecord(s.id());
                continue;
            }
            InstanceState state = running.contains(s.id()) ? InstanceState.STARTING : InstanceState.CHECKPOINTED;
            Instance instance = new Instance(s.id(), s.function(), s.revision(), s.memoryBytes(), state, clock.instant());
            instance.restoreCounters(s.checkpoints(), s.restores(), s.invocations(), s.imageBytes(), s.lastError());
            if (state == InstanceState.CHECKPOINTED) {
                live.takeIn(instance, fn.get());
                continue;
            }
            try (Claim claim = instance.tryClaim().orElseThrow()) { // before anyone else can see it
                adopt(live.takeIn(instance, fn.get()), claim, fn.get());
            }
        }
        for (String id : running) {
            if (!live.holds(id)) runtime.remove(id);
        }
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
            ops.fail(l, "could not be taken back after a restart: " + e.detail());
        }
    }
}
