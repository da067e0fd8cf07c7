package dev.torpor.lifecycle;

import java.time.Duration;

/** Hears what instances do, for metrics and logs; every method defaults to nothing. */
public interface LifecycleObserver {
    default void transitioned(Instance.Snapshot instance, LifecycleEvent event) {}

    default void checkpointed(Instance.Snapshot instance, Duration took, long imageBytes) {}

    default void restored(Instance.Snapshot instance, Duration took) {}

    default void paused(Instance.Snapshot instance, Duration took) {}

    default void resumed(Instance.Snapshot instance, Duration took) {}

    default void started(Instance.Snapshot instance, Duration took) {}

    default void operationFailed(Instance.Snapshot instance, String operation, String why) {}
}
