package dev.torpor.lifecycle;

/** Everything that moves an instance: requests to begin an operation, and the outcomes that end one. */
public enum LifecycleEvent {
    /** The function asked for its next event. */
    READY,
    DISPATCH,
    PAUSE,
    PAUSED,
    RESUME,
    RESUMED,
    CHECKPOINT,
    CHECKPOINTED,
    BACKUP,
    BACKED_UP,
    RESTORE,
    RESTORED,
    MIGRATE,
    MIGRATED,
    /** The operation under way failed and changed nothing: back to where it began. */
    ABORTED,
    /** The function died or cannot go on. */
    FAIL,
    STOP
}
