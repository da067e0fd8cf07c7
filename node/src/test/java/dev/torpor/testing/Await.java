package dev.torpor.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds, so tests wait for asynchronous outcomes without fixed sleeps. */
public final class Await {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private Await() {}

    public static void until(String what, BooleanSupplier condition) {
        until(what, condition, DEFAULT_TIMEOUT);
    }

    public static void until(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
        }
    }

    /** Waits until {@code thread} is parked in a wait with a timeout, i.e. it has reached the call under test. */
    public static void parked(Thread thread) {
        until(thread.getName() + " waits", () -> thread.getState() == Thread.State.TIMED_WAITING);
    }
}
