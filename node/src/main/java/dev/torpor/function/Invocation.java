package dev.torpor.function;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** One event on its way to a function, and the promise of its answer. */
public record Invocation(
        String requestId,
        byte[] payload,
        long deadlineEpochMillis,
        String functionArn,
        String clientContext,
        CompletableFuture<InvocationResult> result) {

    public static Invocation of(byte[] payload, long deadlineEpochMillis, String functionArn, String clientContext) {
        return new Invocation(UUID.randomUUID().toString(), payload, deadlineEpochMillis, functionArn, clientContext,
                new CompletableFuture<>());
    }
}
