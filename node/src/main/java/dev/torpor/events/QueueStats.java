package dev.torpor.events;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** A function's queue at a glance: depth, its oldest event, events being retried, events dropped so far. */
public record QueueStats(String function, int depth, Optional<Instant> oldestEnqueuedAt, int retrying, long dropped) {
    public Duration oldestAge(Instant now) {
        return oldestEnqueuedAt.map(t -> Duration.between(t, now)).orElse(Duration.ZERO);
    }
}
