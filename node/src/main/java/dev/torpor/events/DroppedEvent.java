package dev.torpor.events;

import java.time.Instant;

/** An event given up on, kept so the loss is visible: why ({@link RetryPolicy.Reason}), after how many attempts, its last error. */
public record DroppedEvent(String id, String function, String source, Instant enqueuedAt, Instant droppedAt, int attempts,
                           String reason, String lastError) {}
