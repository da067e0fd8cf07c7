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
    STOP;

    /**
     * Whether the instance's record is written when this event happens: when what a restart takes back from the record
     * changes. That is its counters and last error ({@code Recovery} reads those; it finds whether an instance is an
     * image or a running container in the image store and runc, not in the record): an invocation ended (READY, which
     * also carries the restore or resume that woke the instance), a checkpoint made an image, an operation failed, the
     * instance ended. An operation's beginning is not written, nor the states an invocation passes through: a crash
     * in between costs at most a count, as a power cut may anyway (see NodeDatabase).
     */
    public boolean recorded() {
        return switch (this) {
            case READY, CHECKPOINTED, ABORTED, FAIL, STOP, MIGRATED -> true;
            case DISPATCH, PAUSE, PAUSED, RESUME, RESUMED, CHECKPOINT, BACKUP, BACKED_UP, RESTORE, RESTORED, MIGRATE -> false;
        };
    }
}
