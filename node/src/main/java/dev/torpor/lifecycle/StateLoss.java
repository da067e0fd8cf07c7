package dev.torpor.lifecycle;

import java.time.Instant;

/**
 * A function's state lost by design, as an instance's record keeps it: what ended the state, what exactly was lost,
 * and when. Told through {@code GET /torpor/v1/instances}, {@code torpor ps}, the log and
 * {@code torpor_state_lost_total}.
 */
public record StateLoss(Reason reason, String detail, Instant at) {

    public enum Reason {
        /** The function's process ended on its own (exit or signal) with no checkpoint to go back to. */
        CRASH,
        /** Killed with SIGKILL, as the out-of-memory killer does at the function's MemorySize. */
        OUT_OF_MEMORY,
        /** An invocation overran the function's Timeout, and the instance was stopped as Lambda stops it. */
        TIMEOUT,
        /** Its only image was found damaged and quarantined. */
        DAMAGED_IMAGE,
        /** A checkpoint ended the process, and its image could not be completed. */
        UNFINISHED_IMAGE,
        /** While the node was down its process ended, and it had no image. */
        GONE_AT_RESTART
    }

    /** SIGKILL as the exit status a process killed by it reports (128 + 9). */
    private static final int KILLED = 137;

    /** Why a process that exited with {@code status} lost its state. */
    static Reason ofExit(int status) {
        return status == KILLED ? Reason.OUT_OF_MEMORY : Reason.CRASH;
    }
}
