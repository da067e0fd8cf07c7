package dev.torpor.lifecycle;

/** Where an instance is in its life. The {@code -ING} states are an operation under way; they end in an event. */
public enum InstanceState {
    STARTING,
    /** Blocked in the Runtime API's {@code next}: ready for an event, or to be suspended. */
    IDLE,
    BUSY,
    PAUSING,
    PAUSED,
    RESUMING,
    CHECKPOINTING,
    /** A leave-running dump for a backup: the process keeps its memory and carries on afterwards. */
    BACKING_UP,
    /** Only an image on disk: no process, no memory. */
    CHECKPOINTED,
    RESTORING,
    MIGRATING,
    /** Lives on another node now. */
    MOVED,
    FAILED,
    STOPPED;

    /** Holds memory on this node (a paused instance does: the freezer keeps every page). */
    public boolean resident() {
        return switch (this) {
            case STARTING, IDLE, BUSY, PAUSING, PAUSED, RESUMING, CHECKPOINTING, BACKING_UP, RESTORING -> true;
            case CHECKPOINTED, MIGRATING, MOVED, FAILED, STOPPED -> false;
        };
    }

    /** An operation is under way; whoever wants the instance waits for it to end. */
    public boolean transitional() {
        return switch (this) {
            case STARTING, PAUSING, RESUMING, CHECKPOINTING, BACKING_UP, RESTORING, MIGRATING -> true;
            default -> false;
        };
    }

    public boolean terminal() {
        return this == MOVED || this == STOPPED;
    }
}
