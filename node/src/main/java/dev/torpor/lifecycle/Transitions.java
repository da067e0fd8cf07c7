package dev.torpor.lifecycle;

import static dev.torpor.lifecycle.InstanceState.*;

import java.util.Optional;

/**
 * The instance state machine as one pure function. Anything not listed is refused: side effects (runc, CRIU) run
 * outside and come back as the events that end the {@code -ING} states.
 */
public final class Transitions {
    private Transitions() {}

    public static Optional<InstanceState> next(InstanceState state, LifecycleEvent event) {
        if (state.terminal()) return Optional.empty();
        if (event == LifecycleEvent.STOP) return Optional.of(STOPPED);
        if (event == LifecycleEvent.FAIL) return state == FAILED ? Optional.empty() : Optional.of(FAILED);
        InstanceState to = switch (state) {
            case STARTING -> event == LifecycleEvent.READY ? IDLE : null;
            case IDLE -> switch (event) {
                case DISPATCH -> BUSY;
                case PAUSE -> PAUSING;
                case CHECKPOINT -> CHECKPOINTING;
                case BACKUP -> BACKING_UP;
                default -> null;
            };
            case BUSY -> event == LifecycleEvent.READY ? IDLE : null;
            case PAUSING -> switch (event) {
                case PAUSED -> PAUSED;
                case ABORTED -> IDLE;
                default -> null;
            };
            case PAUSED -> event == LifecycleEvent.RESUME ? RESUMING : null;
            case RESUMING -> switch (event) {
                case RESUMED -> IDLE;
                case ABORTED -> PAUSED;
                default -> null;
            };
            case CHECKPOINTING -> switch (event) {
                case CHECKPOINTED -> CHECKPOINTED;
                case ABORTED -> IDLE;
                default -> null;
            };
            case BACKING_UP -> switch (event) {
                case BACKED_UP, ABORTED -> IDLE;
                default -> null;
            };
            case CHECKPOINTED -> switch (event) {
                case RESTORE -> RESTORING;
                case MIGRATE -> MIGRATING;
                default -> null;
            };
            case RESTORING -> switch (event) {
                case RESTORED -> IDLE;
                case ABORTED -> CHECKPOINTED;
                default -> null;
            };
            case MIGRATING -> switch (event) {
                case MIGRATED -> MOVED;
                case ABORTED -> CHECKPOINTED;
                default -> null;
            };
            case FAILED, MOVED, STOPPED -> null;
        };
        return Optional.ofNullable(to);
    }
}
