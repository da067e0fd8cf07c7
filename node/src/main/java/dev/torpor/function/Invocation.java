package dev.torpor.function;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One event on its way to a function, and the promise of its answer. Its {@code timeout} is the function's, and runs
 * from the moment the event is handed to the function ({@link #dispatchedAt}), as Lambda's does: a start, a restore
 * or a wait in line do not count. {@code deadlineEpochMillis} is 0 until then. With {@code tailLog}, the answer
 * carries the end of what the function printed meanwhile (Lambda's {@code --log-type Tail}).
 */
public record Invocation(
        String requestId,
        byte[] payload,
        Duration timeout,
        long deadlineEpochMillis,
        String functionArn,
        String clientContext,
        boolean tailLog,
        CompletableFuture<InvocationResult> result) {

    public static Invocation of(byte[] payload, Duration timeout, String functionArn, String clientContext) {
        return new Invocation(UUID.randomUUID().toString(), payload, timeout, 0, functionArn, clientContext, false,
                new CompletableFuture<>());
    }

    /** The same event (and the same promise of its answer) with its deadline set from {@code nowEpochMillis}. */
    public Invocation dispatchedAt(long nowEpochMillis) {
        return new Invocation(requestId, payload, timeout, nowEpochMillis + timeout.toMillis(), functionArn, clientContext,
                tailLog, result);
    }

    /** The same event, whose answer is to carry the end of its log. */
    public Invocation withLogTail() {
        return new Invocation(requestId, payload, timeout, deadlineEpochMillis, functionArn, clientContext, true, result);
    }
}
