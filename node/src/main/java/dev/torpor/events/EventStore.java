package dev.torpor.events;

import java.util.List;
import java.util.Optional;

/**
 * The durable queues: every write has reached the disk when it returns, so an event acknowledged after
 * {@link #append} survives a crash. Removing an event after its delivery may be lost to a crash: the event is then
 * delivered again (at least once), never lost.
 */
public interface EventStore {
    /**
     * Appends the event at the end of its function's queue, unless that queue holds {@code limit} events already.
     *
     * @return false when the queue is full: nothing was stored
     */
    boolean append(QueuedEvent event, int limit);

    /** The oldest event of the function's queue. */
    Optional<QueuedEvent> head(String function);

    /** Functions whose queues hold events: where delivery resumes after a restart. */
    List<String> functionsWithEvents();

    /** Functions whose queues hold events or that had events dropped: what the metrics report. */
    List<String> functionsWithEventsOrDrops();

    /** Records a failed attempt and when the next may start. */
    void retryLater(QueuedEvent event);

    /** The event was delivered: it leaves the queue. */
    void remove(String eventId);

    /** The event is given up: it leaves the queue and is recorded with why. */
    void drop(DroppedEvent dropped);

    /** The most recent drops of a function, newest first. */
    List<DroppedEvent> dropped(String function, int limit);

    QueueStats stats(String function);

    Optional<EventInvokeConfig> config(String function);

    void putConfig(String function, EventInvokeConfig config);

    /** @return whether there was one */
    boolean deleteConfig(String function);
}
