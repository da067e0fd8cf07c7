package dev.torpor.events;

import java.util.List;

/** The triggers, kept durably so they outlive restarts. */
public interface TriggerStore {
    void add(Trigger trigger);

    List<Trigger> triggers();

    /** @return whether the function had that trigger */
    boolean delete(String function, String id);

    /** The last tick a schedule fired, so ticks missed while the node was down are known after a restart. */
    java.util.Optional<java.time.Instant> lastTick(String id);

    void setLastTick(String id, java.time.Instant tick);
}
