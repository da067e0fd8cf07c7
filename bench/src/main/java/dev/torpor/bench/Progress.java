package dev.torpor.bench;

import java.util.Locale;

/** Progress lines on stderr, each stamped with the time since the benchmark began. */
final class Progress {
    private static final long T0 = System.nanoTime();

    private Progress() {}

    static void say(String format, Object... args) {
        long s = (System.nanoTime() - T0) / 1_000_000_000L;
        System.err.printf(Locale.ROOT, "[%2d:%02d] %s%n", s / 60, s % 60, String.format(Locale.ROOT, format, args));
        System.err.flush();
    }

    static double elapsedSeconds() {
        return (System.nanoTime() - T0) / 1e9;
    }
}
