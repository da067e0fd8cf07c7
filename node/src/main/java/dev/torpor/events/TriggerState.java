package dev.torpor.events;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What a trigger has done since the node started: events queued for its function, replies published, its last error. */
public final class TriggerState {
    final AtomicLong messagesIn = new AtomicLong();
    final AtomicLong messagesOut = new AtomicLong();
    final AtomicReference<String> lastError = new AtomicReference<>();

    /**
     * A trigger's state as the API shows it: {@code connected} is the node's session with the broker (null for a
     * schedule); {@code messagesIn} the events it queued (messages, ticks); {@code messagesOut} the replies published.
     */
    public record View(Boolean connected, long messagesIn, long messagesOut, String lastError) {}

    View view(Boolean connected) {
        return new View(connected, messagesIn.get(), messagesOut.get(), lastError.get());
    }
}
