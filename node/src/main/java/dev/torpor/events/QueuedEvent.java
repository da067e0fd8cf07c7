package dev.torpor.events;

import java.time.Instant;

/**
 * One asynchronous event waiting in its function's queue. {@code id} is stable across retries and restarts: the
 * function sees it as its request id, so it can tell a redelivery (at least once) from a new event. {@code seq} orders
 * a function's events; {@code attempts} counts deliveries the function failed; {@code notBefore} is when the next
 * attempt may start.
 */
public record QueuedEvent(long seq, String id, String function, String source, byte[] payload, String clientContext,
                          Instant enqueuedAt, int attempts, Instant notBefore) {
    /** Where an event came from. */
    public static final String INVOKE = "invoke";
    public static final String DESTINATION = "destination";

    public QueuedEvent retriedAt(int attempts, Instant notBefore) {
        return new QueuedEvent(seq, id, function, source, payload, clientContext, enqueuedAt, attempts, notBefore);
    }
}
