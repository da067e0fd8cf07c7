package dev.torpor.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Order statistics over a handful of samples. The median is the middle value (the mean of the two middle values for
 * an even count); percentiles are nearest-rank: the smallest sample with at least p% of the samples at or below it,
 * so a p95 is always a value that was measured.
 */
public final class Stats {
    /** One measure summarized; all NaN when there were no samples. */
    public record Summary(int n, double median, double p95, double min, double max) {
        public boolean empty() {
            return n == 0;
        }
    }

    private Stats() {}

    public static Summary of(Collection<Double> samples) {
        List<Double> s = sorted(samples);
        if (s.isEmpty()) return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        return new Summary(s.size(), median(s), percentile(s, 95), s.getFirst(), s.getLast());
    }

    public static double median(Collection<Double> samples) {
        List<Double> s = sorted(samples);
        if (s.isEmpty()) return Double.NaN;
        int mid = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(mid) : (s.get(mid - 1) + s.get(mid)) / 2;
    }

    /** Nearest-rank percentile, {@code 0 < p <= 100}. */
    public static double percentile(Collection<Double> samples, double p) {
        if (p <= 0 || p > 100) throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
        List<Double> s = sorted(samples);
        if (s.isEmpty()) return Double.NaN;
        int rank = (int) Math.ceil(p / 100 * s.size());
        return s.get(Math.max(1, rank) - 1);
    }

    /** {@code a / b}, NaN when either is missing or b is 0. */
    public static double ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b == 0) return Double.NaN;
        return a / b;
    }

    private static List<Double> sorted(Collection<Double> samples) {
        List<Double> s = new ArrayList<>();
        for (Double d : samples) if (d != null && !d.isNaN()) s.add(d);
        s.sort(null);
        return s;
    }
}
