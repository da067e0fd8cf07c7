package dev.torpor.lifecycle;

import dev.torpor.api.relay.RelayChannel;
import dev.torpor.api.relay.RuntimeApiSession;
import dev.torpor.runtime.ContainerSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntConsumer;

/**
 * An instance with what the agent holds for it while it exists: the container spec, the relay channel and the
 * Runtime API session on it, and the function's log.
 */
final class LiveInstance implements RuntimeApiSession.Events {
    /** After a failed checkpoint, how long the idle policy and eviction leave the instance running. */
    static final Duration CHECKPOINT_RETRY_AFTER = Duration.ofMinutes(1);

    final Instance instance;
    final ContainerSpec spec;
    final RuntimeApiSession session;
    final RelayChannel channel;
    final FunctionLog log;
    private final Runnable onWaiting;
    private final IntConsumer onExit;
    private volatile Instant checkpointsRefusedUntil = Instant.MIN;

    LiveInstance(Instance instance, ContainerSpec spec, FunctionLog log, Runnable onWaiting, IntConsumer onExit) {
        this.instance = instance;
        this.spec = spec;
        this.log = log;
        this.onWaiting = onWaiting;
        this.onExit = onExit;
        this.session = new RuntimeApiSession(this);
        this.channel = new RelayChannel(spec.channelDir().resolve("agent.sock"), session);
    }

    String id() {
        return instance.id();
    }

    void refuseCheckpointsUntil(Instant until) {
        checkpointsRefusedUntil = until;
    }

    boolean checkpointsRefused(Instant now) {
        return now.isBefore(checkpointsRefusedUntil);
    }

    @Override
    public void waitingForEvent() {
        onWaiting.run();
    }

    @Override
    public void exited(int status) {
        onExit.accept(status);
    }

    @Override
    public void initFailed(String errorType, String message) {
        instance.recordError("init failed (" + errorType + "): " + message);
    }
}
