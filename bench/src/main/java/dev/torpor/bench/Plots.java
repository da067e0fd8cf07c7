package dev.torpor.bench;

import static dev.torpor.bench.Results.SYSTEMS;

import dev.torpor.bench.Results.DensityPoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;

/** PNG charts drawn by XChart from a {@link Results}; returns the file names written, relative to {@code dir}. */
public final class Plots {
    private static final int W = 960, H = 540;

    private Plots() {}

    public static List<String> write(Results r, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> files = new ArrayList<>();
        for (String measure : Report.MEASURE_NAMES.keySet()) {
            CategoryChart c = latencyBySize(r, measure);
            if (c != null) files.add(save(c, dir, "latency-" + measure + ".png"));
        }
        CategoryChart all = latencyAtSize(r, Targets.TARGET_SIZE_MB);
        if (all != null) files.add(save(all, dir, "latency-" + Targets.TARGET_SIZE_MB + "mb.png"));
        CategoryChart mem = memory(r);
        if (mem != null) files.add(save(mem, dir, "memory.png"));
        CategoryChart moves = migration(r);
        if (moves != null) files.add(save(moves, dir, "migration.png"));
        if (!r.density().isEmpty()) {
            files.add(save(density(r), dir, "density.png"));
            files.add(save(densityLatency(r), dir, "density-latency.png"));
            XYChart memory = densityMemory(r);
            if (memory != null) files.add(save(memory, dir, "density-memory.png"));
        }
        return files;
    }

    static CategoryChart latencyBySize(Results r, String measure) {
        CategoryChart c = new CategoryChartBuilder().width(W).height(H).title(Report.MEASURE_NAMES.get(measure) + " (median; bars: p95)")
                .xAxisTitle("function holds (MB)").yAxisTitle("ms").build();
        c.getStyler().setYAxisMin(0.0);
        List<String> x = r.settings().sizesMb().stream().map(s -> s + " MB").toList();
        boolean any = false;
        for (String s : SYSTEMS) {
            List<Stats.Summary> sums = r.settings().sizesMb().stream().map(size -> r.summary(s, size, measure)).toList();
            any |= addMedians(c, Report.systemName(s), x, sums);
        }
        return any ? c : null;
    }

    static CategoryChart latencyAtSize(Results r, int size) {
        if (!r.settings().sizesMb().contains(size)) return null;
        CategoryChart c = new CategoryChartBuilder().width(W).height(H).title("Suspend and wake of a " + size + " MB function (median, log scale)")
                .xAxisTitle("").yAxisTitle("ms").build();
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setYAxisMin(1.0); // XChart's bars start at 0 otherwise, which a log axis cannot show
        List<String> x = List.of("pause", "checkpoint", "unpause+answer", "restore+answer", "cold+answer");
        boolean any = false;
        for (String s : SYSTEMS) {
            List<Double> med = new ArrayList<>();
            for (String m : Report.MEASURE_NAMES.keySet()) {
                double v = r.medianMs(s, size, m);
                med.add(Double.isNaN(v) || v <= 0 ? 0.01 : v);
            }
            if (med.stream().allMatch(v -> v == 0.01)) continue;
            c.addSeries(Report.systemName(s), x, med);
            any = true;
        }
        return any ? c : null;
    }

    /** Each migration's frozen time (the function's downtime) and its total, by size; failed variants are left out. */
    static CategoryChart migration(Results r) {
        CategoryChart c = new CategoryChartBuilder().width(W).height(H).title("Migration between two nodes (median; bars: p95)")
                .xAxisTitle("function holds (MB)").yAxisTitle("ms").build();
        c.getStyler().setYAxisMin(0.0);
        List<String> x = r.settings().migrationSizesMb().stream().map(s -> s + " MB").toList();
        boolean any = false;
        for (MigrationRun.Variant v : MigrationRun.VARIANTS) {
            for (boolean frozen : List.of(true, false)) {
                List<Stats.Summary> sums = r.settings().migrationSizesMb().stream().map(size -> Stats.of(r.migrations(size, v.mode(), v.compress()).stream()
                        .filter(Results.Migration::ok).map(frozen ? Results.Migration::frozenMs : Results.Migration::totalMs).toList())).toList();
                any |= addMedians(c, v.label() + (frozen ? ": frozen" : ": total"), x, sums);
            }
        }
        return any ? c : null;
    }

    static CategoryChart memory(Results r) {
        CategoryChart c = new CategoryChartBuilder().width(W).height(H).title("Function memory by state (cgroup, median)")
                .xAxisTitle("").yAxisTitle("MiB").build();
        c.getStyler().setYAxisMin(0.0);
        List<String> x = new ArrayList<>();
        for (int size : r.settings().sizesMb()) for (String st : Report.STATES) x.add(size + " MB " + st);
        boolean any = false;
        for (String s : SYSTEMS) {
            List<Double> y = new ArrayList<>();
            for (int size : r.settings().sizesMb()) {
                for (String st : Report.STATES) {
                    double v = Stats.median(r.memory(s, size, st));
                    y.add(Double.isNaN(v) ? 0 : v / (1 << 20));
                }
            }
            if (r.memory().stream().noneMatch(m -> m.system().equals(s))) continue;
            c.addSeries(Report.systemName(s), x, y);
            any = true;
        }
        c.getStyler().setXAxisLabelRotation(30);
        return any ? c : null;
    }

    static XYChart density(Results r) {
        XYChart c = new XYChartBuilder().width(W).height(H)
                .title("Live functions under a " + (r.settings().densityBudgetBytes() >> 20) + " MiB budget (functions of "
                        + r.settings().densityMemoryMiB() + " MiB)")
                .xAxisTitle("functions deployed, events in round-robin").yAxisTitle("functions live (every answer correct)").build();
        for (String policy : policies(r)) {
            List<DensityPoint> ps = r.density().stream().filter(p -> p.policy().equals(policy)).toList();
            c.addSeries(policy, ps.stream().mapToDouble(DensityPoint::deployed).toArray(), ps.stream().mapToDouble(DensityPoint::alive).toArray());
        }
        return c;
    }

    static XYChart densityLatency(Results r) {
        XYChart c = new XYChartBuilder().width(W).height(H).title("Event latency in the density run (answered events)")
                .xAxisTitle("functions deployed").yAxisTitle("ms").build();
        for (String policy : policies(r)) {
            List<DensityPoint> ps = r.density().stream().filter(p -> p.policy().equals(policy) && !p.latenciesMs().isEmpty()).toList();
            if (ps.isEmpty()) continue;
            double[] x = ps.stream().mapToDouble(DensityPoint::deployed).toArray();
            c.addSeries(policy + " p50", x, ps.stream().mapToDouble(p -> Stats.median(p.latenciesMs())).toArray());
            c.addSeries(policy + " p95", x, ps.stream().mapToDouble(p -> Stats.percentile(p.latenciesMs(), 95)).toArray());
        }
        return c;
    }

    /**
     * Resident function memory over the density climb, one line per policy (its climb's own clock), against the budget:
     * what pause and checkpoint do with memory as functions are added. Null when nothing was sampled.
     */
    static XYChart densityMemory(Results r) {
        XYChart c = new XYChartBuilder().width(W).height(H).title("Resident function memory during the density climb")
                .xAxisTitle("seconds since the policy's climb began").yAxisTitle("MiB (cgroups)").build();
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setMarkerSize(0);
        double end = 0;
        for (String policy : policies(r)) {
            double[][] xy = memoryOverTime(r, policy);
            if (xy[0].length == 0) continue;
            c.addSeries(policy, xy[0], xy[1]);
            end = Math.max(end, xy[0][xy[0].length - 1]);
        }
        if (end == 0) return null;
        double budget = r.settings().densityBudgetBytes() / (double) (1 << 20);
        c.addSeries("budget", new double[] {0, end}, new double[] {budget, budget});
        return c;
    }

    /** A policy's memory samples over its climb: seconds, and resident MiB. */
    static double[][] memoryOverTime(Results r, String policy) {
        List<Results.MemoryMoment> ms = r.density().stream().filter(p -> p.policy().equals(policy))
                .flatMap(p -> p.memory().stream()).toList();
        return new double[][] {ms.stream().mapToDouble(Results.MemoryMoment::seconds).toArray(),
                ms.stream().mapToDouble(m -> m.residentBytes() / (double) (1 << 20)).toArray()};
    }

    /** A series of medians with p95 bars; adds nothing and answers false when no category has a sample. */
    private static boolean addMedians(CategoryChart c, String name, List<String> x, List<Stats.Summary> sums) {
        List<Double> med = new ArrayList<>(), err = new ArrayList<>();
        for (Stats.Summary s : sums) {
            med.add(s.empty() ? 0 : s.median());
            err.add(s.empty() ? 0 : s.p95() - s.median());
        }
        if (med.stream().allMatch(v -> v == 0)) return false;
        c.addSeries(name, x, med, err);
        return true;
    }

    private static List<String> policies(Results r) {
        return r.density().stream().map(DensityPoint::policy).distinct().toList();
    }

    private static String save(Chart<?, ?> chart, Path dir, String name) throws IOException {
        BitmapEncoder.saveBitmap(chart, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
        return name;
    }
}
