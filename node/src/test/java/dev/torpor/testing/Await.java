package dev.torpor.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way tests wait: polls a condition until it holds, or fails saying what it waited for and what it saw
 * last, so tests wait for asynchronous outcomes without fixed sleeps or loops of their own.
 */
public final class Await {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Polls start at once and back off to this: fakes answer in microseconds, a real node should not be flooded. */
    private static final long LONGEST_PAUSE_MILLIS = 50;

    private Await() {}

    public static void until(String what, BooleanSupplier condition) {
        until(what, condition, DEFAULT_TIMEOUT);
    }

    public static void until(String what, BooleanSupplier condition, Duration timeout) {
        value(what, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty(), timeout);
    }

    /** The value {@code probe} gives once it gives one. */
    public static <T> T value(String what, Supplier<Optional<T>> probe, Duration timeout) {
        return value(what, probe, timeout, () -> "");
    }

    /** The value {@code probe} gives once it gives one; a timeout's message adds {@code context} (a node's output, say). */
    public static <T> T value(String what, Supplier<Optional<T>> probe, Duration timeout, Supplier<String> context) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 1;
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) return v.get();
            if (System.nanoTime() - deadline > 0) {
                String seen = context.get();
                throw new AssertionError("timed out after " + timeout + " waiting until " + what + (seen.isEmpty() ? "" : ":\n" + seen));
            }
            sleep(what, pause);
            pause = Math.min(2 * pause, LONGEST_PAUSE_MILLIS);
        }
    }

    /** The first of {@code probe}'s values that meets {@code condition}; a timeout's message shows the last one. */
    public static <T> T matching(String what, Supplier<T> probe, Predicate<? super T> condition, Duration timeout) {
        return matching(what, probe, condition, timeout, () -> "");
    }

    /** As {@link #matching(String, Supplier, Predicate, Duration)}, a timeout's message adding {@code context}. */
    public static <T> T matching(String what, Supplier<T> probe, Predicate<? super T> condition, Duration timeout,
                                 Supplier<String> context) {
        AtomicReference<T> last = new AtomicReference<>();
        return value(what, () -> {
            T v = probe.get();
            last.set(v);
            return condition.test(v) ? Optional.of(v) : Optional.empty();
        }, timeout, () -> "the last seen was " + last.get() + "\n" + context.get());
    }

    /** Waits until {@code thread} is parked in a wait with a timeout, i.e. it has reached the call under test. */
    public static void parked(Thread thread) {
        until(thread.getName() + " waits", () -> thread.getState() == Thread.State.TIMED_WAITING);
    }

    private static void sleep(String what, long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting until " + what, e);
        }
    }
}
