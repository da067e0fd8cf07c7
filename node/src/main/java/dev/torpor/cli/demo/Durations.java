package dev.torpor.cli.demo;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Latencies as the demo prints them: {@code 12 ms} under a second, {@code 1.25 s} above. */
final class Durations {
    private Durations() {}

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
    }

    /** The median, the mean of the middle two for an even count; null for none. */
    static Duration median(List<Duration> values) {
        if (values.isEmpty()) return null;
        List<Duration> sorted = values.stream().sorted().toList();
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : sorted.get(mid - 1).plus(sorted.get(mid)).dividedBy(2);
    }
}
