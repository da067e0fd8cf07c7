package dev.torpor.events;

import dev.torpor.TorporException;
import java.time.Duration;

/**
 * How a node delivers queued events. {@code firstRetryDelay} doubles on each retry: Lambda waits 1 minute, then 2.
 * {@code queueLimit} bounds each function's queue: past it an event is refused (429), never accepted and lost.
 */
public record DeliverySettings(Duration firstRetryDelay, int queueLimit) {
    public static final DeliverySettings DEFAULT = new DeliverySettings(Duration.ofMinutes(1), 10_000);

    public DeliverySettings {
        if (firstRetryDelay.isNegative() || firstRetryDelay.isZero()) {
            throw TorporException.invalid("the event retry delay must be positive, not " + firstRetryDelay.toMillis() + " ms");
        }
        if (queueLimit < 1) throw TorporException.invalid("the event queue limit must be at least 1, not " + queueLimit);
    }
}
