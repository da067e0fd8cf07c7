package dev.torpor.events;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.function.InvocationResult;
import java.time.Duration;
import java.time.Instant;

/**
 * What happens to an event after one try, as Lambda decides it. A function error counts as an attempt: retried after
 * a delay that doubles each time, until {@code MaximumRetryAttempts}. A failure of the node's own (throttled, not
 * ready, shutting down) is no attempt of the function's: retried after the same delays, without counting. Either way
 * an event older than {@code MaximumEventAgeInSeconds} is dropped. A function that no longer exists drops its events.
 * Pure: no clock, no store.
 */
final class RetryPolicy {
    /** Why an event was given up; the names are Lambda's destination conditions. */
    enum Reason { RetriesExhausted, EventAgeExceeded, FunctionDeleted }

    sealed interface Decision {}

    record Delivered(InvocationResult result) implements Decision {}

    record RetryAt(Instant notBefore, int attempts, String error) implements Decision {}

    /** {@code lastResult}: the function's last answer, null when the node never got one. */
    record Drop(Reason reason, int attempts, String error, InvocationResult lastResult) implements Decision {}

    private final Duration firstDelay;

    RetryPolicy(Duration firstDelay) {
        this.firstDelay = firstDelay;
    }

    /** Before a try: an event past its age is dropped without one. */
    Drop expired(QueuedEvent e, EventInvokeConfig config, Instant now) {
        boolean tooOld = Duration.between(e.enqueuedAt(), now).getSeconds() >= config.maximumEventAgeSeconds();
        return tooOld ? new Drop(Reason.EventAgeExceeded, e.attempts(), "older than " + config.maximumEventAgeSeconds() + " s", null) : null;
    }

    Decision afterResult(QueuedEvent e, EventInvokeConfig config, InvocationResult result, Instant now) {
        if (result.functionError() == null) return new Delivered(result);
        int attempts = e.attempts() + 1;
        String error = result.functionError() + ": " + new String(result.payload(), java.nio.charset.StandardCharsets.UTF_8);
        if (attempts > config.maximumRetryAttempts()) return new Drop(Reason.RetriesExhausted, attempts, error, result);
        return retry(e, config, now, attempts, error, result);
    }

    Decision afterFailure(QueuedEvent e, EventInvokeConfig config, TorporException failure, Instant now) {
        if (failure.kind() == ErrorKind.NOT_FOUND) return new Drop(Reason.FunctionDeleted, e.attempts(), failure.detail(), null);
        return retry(e, config, now, e.attempts(), failure.kind() + ": " + failure.detail(), null);
    }

    private Decision retry(QueuedEvent e, EventInvokeConfig config, Instant now, int attempts, String error, InvocationResult last) {
        int doublings = Math.clamp(attempts - 1, 0, 16);
        Instant next = now.plus(firstDelay.multipliedBy(1L << doublings));
        Instant deadline = e.enqueuedAt().plusSeconds(config.maximumEventAgeSeconds());
        if (next.isAfter(deadline)) return new Drop(Reason.EventAgeExceeded, attempts, error, last);
        return new RetryAt(next, attempts, error);
    }
}
