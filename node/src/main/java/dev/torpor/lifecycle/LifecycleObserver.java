package dev.torpor.lifecycle;

import java.nio.file.Path;
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

    default void invoked(String function, boolean functionError, Duration took) {}

    /** A damaged image of the instance was moved to {@code where}, out of use. */
    default void imageQuarantined(Instance.Snapshot instance, Path where) {}

    /** Both observers hear everything, {@code this} first. */
    default LifecycleObserver and(LifecycleObserver other) {
        LifecycleObserver first = this;
        return new LifecycleObserver() {
            @Override public void transitioned(Instance.Snapshot i, LifecycleEvent e) { first.transitioned(i, e); other.transitioned(i, e); }
            @Override public void checkpointed(Instance.Snapshot i, Duration t, long b) { first.checkpointed(i, t, b); other.checkpointed(i, t, b); }
            @Override public void restored(Instance.Snapshot i, Duration t) { first.restored(i, t); other.restored(i, t); }
            @Override public void paused(Instance.Snapshot i, Duration t) { first.paused(i, t); other.paused(i, t); }
            @Override public void resumed(Instance.Snapshot i, Duration t) { first.resumed(i, t); other.resumed(i, t); }
            @Override public void started(Instance.Snapshot i, Duration t) { first.started(i, t); other.started(i, t); }
            @Override public void operationFailed(Instance.Snapshot i, String op, String why) { first.operationFailed(i, op, why); other.operationFailed(i, op, why); }
            @Override public void invoked(String f, boolean err, Duration t) { first.invoked(f, err, t); other.invoked(f, err, t); }
            @Override public void imageQuarantined(Instance.Snapshot i, Path where) { first.imageQuarantined(i, where); other.imageQuarantined(i, where); }
        };
    }
}
