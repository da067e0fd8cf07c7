package dev.torpor.lifecycle;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.runtimeapi.RelayChannel;
import dev.torpor.runtimeapi.RuntimeApiSession;
import dev.torpor.runtime.ContainerSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    /** What the function's runtime reported through {@code /init/error}, as it sent it; null if it did not. */
    private volatile byte[] initError;
    /** After a post-copy restore: until every page has arrived, a dump would miss the ones still away. */
    private volatile CompletableFuture<Void> pagesArriving = CompletableFuture.completedFuture(null);

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

    void pagesArriving(CompletableFuture<Void> arriving) {
        pagesArriving = arriving;
    }

    /** Waits until the instance's memory is all here; fails if its pages stopped coming. */
    void awaitAllPages(Duration timeout) {
        try {
            pagesArriving.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new TorporException(ErrorKind.FAILED, "the memory of " + id() + " never arrived whole: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw TorporException.notReady("the memory of " + id() + " is still arriving");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TorporException(ErrorKind.SERVICE_UNAVAILABLE, "interrupted while waiting for the memory of " + id(), e);
        }
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
        initError = message.getBytes(StandardCharsets.UTF_8);
        instance.recordError("init failed (" + errorType + "): " + message);
    }

    Optional<byte[]> initError() {
        return Optional.ofNullable(initError);
    }

    @Override
    public void eventLost(String why) {
        instance.recordError(why);
    }
}
