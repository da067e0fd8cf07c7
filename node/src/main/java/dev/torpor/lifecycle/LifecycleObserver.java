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

    /** How the instance that answered an invocation was woken for it. */
    enum Wake { START, RESTORE, RESUME, WARM }

    /** How an invocation ended: answered, the function's own error, its timeout, or the node could not run it. */
    enum Outcome { OK, FUNCTION_ERROR, TIMEOUT, FAILED }

    /** Why an invocation was refused with a 429 before it ran. */
    enum Throttle { RESERVED_CONCURRENCY, MEMORY_BUDGET, ADMISSION_TIMEOUT }

    /** {@code took} runs from the invocation's arrival to its answer, the wake included. */
    default void invoked(String function, Wake wake, Outcome outcome, Duration took) {}

    default void throttled(String function, Throttle reason) {}

    /** A damaged image of the instance was moved to {@code where}, out of use. */
    default void imageQuarantined(Instance.Snapshot instance, Path where) {}

    /** The instance's state was lost by design ({@link StateLoss}); the instance is FAILED. */
    default void stateLost(Instance.Snapshot instance, StateLoss loss) {}

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
            @Override public void invoked(String f, Wake w, Outcome o, Duration t) { first.invoked(f, w, o, t); other.invoked(f, w, o, t); }
            @Override public void throttled(String f, Throttle r) { first.throttled(f, r); other.throttled(f, r); }
            @Override public void imageQuarantined(Instance.Snapshot i, Path where) { first.imageQuarantined(i, where); other.imageQuarantined(i, where); }
            @Override public void stateLost(Instance.Snapshot i, StateLoss l) { first.stateLost(i, l); other.stateLost(i, l); }
        };
    }
}
