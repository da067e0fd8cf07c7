package dev.torpor.bench;

import static dev.torpor.bench.Results.CHECKPOINT;
import static dev.torpor.bench.Results.PAUSE;
import static dev.torpor.bench.Results.SYSTEMS;
import static dev.torpor.bench.Results.TORPOR;
import static dev.torpor.bench.Results.WAKE_COLD;
import static dev.torpor.bench.Results.WAKE_RESTORE;
import static dev.torpor.bench.Results.WAKE_UNPAUSE;

import dev.torpor.bench.Results.DensityPoint;
import dev.torpor.bench.Results.TargetResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown report and its headline table, rendered from a {@link Results} alone: every number printed here is
 * computed from the run's samples, none is typed in.
 */
public final class Report {
    static final Map<String, String> MEASURE_NAMES = new LinkedHashMap<>();
    static {
        MEASURE_NAMES.put(PAUSE, "suspend: pause (freezer)");
        MEASURE_NAMES.put(CHECKPOINT, "suspend: checkpoint to disk");
        MEASURE_NAMES.put(WAKE_UNPAUSE, "wake: unpause + answer");
        MEASURE_NAMES.put(WAKE_RESTORE, "wake: restore + answer");
        MEASURE_NAMES.put(WAKE_COLD, "wake: cold start + answer (state lost)");
    }
    static final List<String> STATES = List.of("running", "paused", "checkpointed");

    private Report() {}

    public static String systemName(String system) {
        return switch (system) {
            case "torpor" -> "Torpor";
            case "runc" -> "raw runc";
            case "docker" -> "Docker";
            case "podman" -> "Podman";
            default -> system;
        };
    }

    /** The headline: the 25 MB function on every system, and the targets. What the README shows. */
    public static String summary(Results r) {
        StringBuilder md = new StringBuilder();
        int size = headlineSize(r);
        md.append(String.format(Locale.ROOT, "Run of %s (%s mode, %.0f s) on %s; the function holds %d MB; median (p95) over %d rounds.%n%n",
                r.startedAt(), r.mode(), r.seconds(), shortMachine(r), size, r.settings().rounds()));
        md.append(header("", SYSTEMS.stream().map(Report::systemName).toList()));
        for (var e : MEASURE_NAMES.entrySet()) {
            List<String> cells = new ArrayList<>();
            for (String s : SYSTEMS) cells.add(r.ok(s) ? latencyCell(r.summary(s, size, e.getKey())) : "failed");
            md.append(row(e.getValue(), cells));
        }
        for (String state : STATES) {
            List<String> cells = new ArrayList<>();
            for (String s : SYSTEMS) cells.add(r.ok(s) ? mib(Stats.median(r.memory(s, size, state))) : "failed");
            md.append(row("memory " + state + " (cgroup)", cells));
        }
        List<String> sizes = new ArrayList<>();
        for (String s : SYSTEMS) sizes.add(r.ok(s) ? imageCell(r, s, size) : "failed");
        md.append(row("checkpoint on disk (raw / zstd)", sizes));
        md.append('\n');
        agentLine(r, md);
        densityLine(r, md);
        md.append('\n');
        md.append(targetsTable(r));
        List<String> failed = SYSTEMS.stream().filter(s -> !r.ok(s)).toList();
        if (!failed.isEmpty()) {
            md.append('\n');
            for (String s : failed) md.append("- **").append(systemName(s)).append(" failed**: ").append(oneLine(r.error(s))).append('\n');
        }
        return md.toString();
    }

    /** The whole report: headline, targets, every table, the plots and how to reproduce. */
    public static String full(Results r, List<String> plots) {
        StringBuilder md = new StringBuilder("# Torpor benchmark\n\n");
        md.append(summary(r)).append('\n');

        md.append("## Machine and versions\n\n");
        var m = r.machine();
        md.append(String.format(Locale.ROOT, "- CPU: %s, %d cores; memory %s; %s; kernel %s; cgroups %s; work directory %s%n",
                m.cpu(), m.cores(), mib(m.memoryBytes()), m.os(), m.kernel(), m.cgroups(), m.workDir()));
        r.versions().forEach((k, v) -> md.append("- ").append(k).append(": ").append(oneLine(v)).append('\n'));
        md.append('\n');

        md.append("## Method\n\n");
        md.append("""
                - Workload: one Python process per function holding N MB of touched memory and a counter, answering one event at \
                a time. On Torpor it is a Lambda `bootstrap` invoked through the node's Invoke API (node started in-process); on \
                raw runc, Docker and Podman it is the same program behind a tiny HTTP server on a 127.0.0.1 port (host network), \
                in a container made from one root filesystem built from this machine's own Python files (imported with \
                `docker import` / `podman import`, used as-is by runc).
                - Samples are interleaved: each round visits every size and, at each size, every system in turn.
                - Suspend: the peers' time is their CLI command (`runc checkpoint`, `docker checkpoint create`, `podman container \
                checkpoint`, `… pause`), which returns once the image is written (not fsynced) and the memory freed. Torpor's is its \
                lifecycle's own timer (read from `/metrics`), the path its idle policy and eviction run: for a checkpoint, from the \
                dump's start until the memory is freed (triggered by `POST /torpor/v1/instances/{id}/checkpoint`, whose answer \
                also waits for the image's checksums and fsync: shown as api-checkpoint); for a pause, the idle policy's freeze.
                - Wake: from the event's arrival to the answer: the harness (or Torpor) runs `unpause`/`restore`/`run` and then \
                sends the request. A cold start loses the function's state (its counter starts again at 1).
                - Torpor frees the function's memory first and completes the image (checksums, fsync, manifest) in the \
                background; the harness waits for the manifest before it measures the wake, so every system's wake starts \
                from a finished image.
                - Memory: `memory.usage_in_bytes` of the function's cgroup; 0 when the cgroup no longer exists.
                - Checkpoint size: the image files on disk, and the same bytes through zstd (level 3).
                - Every answer is checked: the counter must be one past the previous answer (1 after a cold start).
                - Median and p95 (nearest rank: a measured value) per system, size and measure.

                """);

        md.append("## Latency (ms): median (p95) [n]\n\n");
        for (var e : MEASURE_NAMES.entrySet()) {
            md.append("### ").append(e.getValue()).append("\n\n");
            md.append(header("size", SYSTEMS.stream().map(Report::systemName).toList()));
            for (int size : r.settings().sizesMb()) {
                List<String> cells = new ArrayList<>();
                for (String s : SYSTEMS) {
                    Stats.Summary sum = r.summary(s, size, e.getKey());
                    cells.add(r.ok(s) || !sum.empty() ? latencyCell(sum) + " [" + sum.n() + "]" + incorrect(r, s, size, e.getKey()) : "failed");
                }
                md.append(row(size + " MB", cells));
            }
            md.append('\n');
        }

        Map<String, Long> notes = new java.util.TreeMap<>();
        for (var s : r.samples()) if (s.note() != null && !s.measure().equals(WAKE_COLD)) notes.merge(systemName(s.system()) + ", " + s.measure() + ": " + s.note(), 1L, Long::sum);
        if (!notes.isEmpty()) {
            md.append("Notes on samples:\n\n");
            notes.forEach((k, n) -> md.append("- ").append(k).append(" (").append(n).append(" samples)\n"));
            md.append('\n');
        }

        md.append("## Ratios: Torpor ÷ peer (medians; below 1 means Torpor is faster)\n\n");
        List<String> peers = SYSTEMS.subList(1, SYSTEMS.size());
        List<String> heads = new ArrayList<>();
        for (String p : peers) heads.add("÷ " + systemName(p));
        md.append(header("measure, size", heads));
        for (var e : MEASURE_NAMES.entrySet()) {
            for (int size : r.settings().sizesMb()) {
                List<String> cells = new ArrayList<>();
                double t = r.medianMs(TORPOR, size, e.getKey());
                for (String p : peers) cells.add(ratio(Stats.ratio(t, r.medianMs(p, size, e.getKey()))));
                md.append(row(e.getValue() + ", " + size + " MB", cells));
            }
        }
        md.append('\n');

        md.append("## Torpor's own operation timers (ms, median (p95))\n\n");
        md.append("What the lifecycle measured inside the node for the same operations, without the HTTP request and the function's answer; "
                + "api-checkpoint is the checkpoint API call, which answers once the image is also checksummed and fsynced.\n\n");
        List<String> ops = List.of(Results.OP_PAUSE, Results.OP_RESUME, Results.OP_CHECKPOINT, Results.OP_RESTORE, Results.API_CHECKPOINT);
        md.append(header("size", ops));
        for (int size : r.settings().sizesMb()) {
            List<String> cells = new ArrayList<>();
            for (String op : ops) cells.add(latencyCell(r.summary(TORPOR, size, op)));
            md.append(row(size + " MB", cells));
        }
        md.append('\n');

        md.append("## Memory of the function's cgroup (MiB, median)\n\n");
        md.append(header("size, state", SYSTEMS.stream().map(Report::systemName).toList()));
        for (int size : r.settings().sizesMb()) {
            for (String state : STATES) {
                List<String> cells = new ArrayList<>();
                for (String s : SYSTEMS) cells.add(r.memory(s, size, state).isEmpty() ? "–" : mib(Stats.median(r.memory(s, size, state))));
                md.append(row(size + " MB, " + state, cells));
            }
        }
        md.append('\n');

        md.append("## Checkpoint size on disk (raw / zstd)\n\n");
        md.append(header("size", SYSTEMS.stream().map(Report::systemName).toList()));
        for (int size : r.settings().sizesMb()) {
            List<String> cells = new ArrayList<>();
            for (String s : SYSTEMS) cells.add(imageCell(r, s, size));
            md.append(row(size + " MB", cells));
        }
        md.append('\n');

        md.append("## Platform processes' own memory (RSS)\n\n");
        md.append(header("process", List.of("phase", "functions", "instances", "RSS", "of which file-backed")));
        for (var a : r.agent()) {
            md.append(row(a.process(), List.of(a.phase(), "" + a.functions(), "" + a.instances(), mib(a.rssBytes()),
                    a.rssFileBytes() < 0 ? "–" : mib(a.rssFileBytes()))));
        }
        md.append('\n');

        md.append("## Density\n\n");
        md.append(String.format(Locale.ROOT, "Budget %s, functions of %d MiB (MemorySize) holding %d MB; every function gets one event per "
                        + "step in round-robin; \"live\" = answered every event of the step with its state intact.%n%n",
                mib(r.settings().densityBudgetBytes()), r.settings().densityMemoryMiB(), r.settings().densityBallastMb()));
        md.append(header("policy", List.of("deployed", "live", "events", "correct", "failed", "p50 ms", "p95 ms", "max ms", "first error")));
        for (DensityPoint p : r.density()) {
            Stats.Summary s = Stats.of(p.latenciesMs());
            md.append(row(p.policy(), List.of("" + p.deployed(), "" + p.alive(), "" + p.events(), "" + p.correct(), "" + p.failed(),
                    ms(s.median()), ms(s.p95()), ms(s.max()), p.firstError() == null ? "" : oneLine(p.firstError()))));
        }
        md.append('\n');

        md.append(ClusterReport.sections(r));

        if (!plots.isEmpty()) {
            md.append("## Plots\n\n");
            for (String p : plots) md.append("![").append(p).append("](").append(p).append(")\n\n");
        }

        md.append("## Reproduce\n\n```sh\n./torpor bench            # full run, about 12 minutes on 2 cores\n./torpor bench --quick    # about 2½ minutes\n```\n\n");
        md.append("Raw samples are in `results.json` beside this report.\n");
        return md.toString();
    }

    static String targetsTable(Results r) {
        StringBuilder md = new StringBuilder();
        md.append(header("target", List.of("measured", "needs", "", "detail")));
        for (TargetResult t : r.targets()) {
            String measured = t.measured() == null ? "–" : number(t.measured());
            String status = switch (t.status()) {
                case "met" -> "**met**";
                case "missed" -> "**missed**";
                default -> "not measured";
            };
            md.append(row(t.description(), List.of(measured, t.comparison() + " " + number(t.threshold()), status, oneLine(t.detail()))));
        }
        return md.toString();
    }

    private static void agentLine(Results r, StringBuilder md) {
        r.agent().stream().filter(a -> a.process().equals("torpor-agent"))
                .max(java.util.Comparator.comparingInt(Results.AgentMemory::functions).thenComparingLong(Results.AgentMemory::rssBytes))
                .ifPresent(a -> md.append(String.format(Locale.ROOT, "Torpor's node agent: %s resident (%s of it file-backed), idle with %d functions deployed (%d instances, %s).%n",
                        mib(a.rssBytes()), mib(a.rssFileBytes()), a.functions(), a.instances(), a.phase())));
    }

    private static void densityLine(Results r, StringBuilder md) {
        if (r.density().isEmpty()) return;
        List<String> parts = new ArrayList<>();
        for (String policy : List.of("none", "pause", "checkpoint")) {
            int live = r.density().stream().filter(p -> p.policy().equals(policy)).mapToInt(DensityPoint::alive).max().orElse(-1);
            if (live >= 0) parts.add(policy + " " + live);
        }
        md.append(String.format(Locale.ROOT, "Density (budget %s, functions of %d MiB): most live functions by policy: %s.%n",
                mib(r.settings().densityBudgetBytes()), r.settings().densityMemoryMiB(), String.join(", ", parts)));
    }

    private static String incorrect(Results r, String system, int size, String measure) {
        long bad = r.samples().stream().filter(s -> s.system().equals(system) && s.sizeMb() == size && s.measure().equals(measure) && !s.correct()).count();
        return bad == 0 ? "" : " (" + bad + " wrong answers)";
    }

    private static int headlineSize(Results r) {
        return r.settings().sizesMb().contains(Targets.TARGET_SIZE_MB) ? Targets.TARGET_SIZE_MB : r.settings().sizesMb().getFirst();
    }

    private static String imageCell(Results r, String system, int size) {
        List<Results.ImageSize> imgs = r.checkpointSizes().stream().filter(i -> i.system().equals(system) && i.sizeMb() == size).toList();
        if (imgs.isEmpty()) return "–";
        double raw = Stats.median(imgs.stream().map(i -> (double) i.rawBytes()).toList());
        double z = Stats.median(imgs.stream().filter(i -> i.zstdBytes() >= 0).map(i -> (double) i.zstdBytes()).toList());
        return mib(raw) + " / " + (Double.isNaN(z) ? "–" : mib(z));
    }

    private static String shortMachine(Results r) {
        return r.machine().cores() + " cores, " + mib(r.machine().memoryBytes()) + ", " + r.machine().os() + ", Linux " + r.machine().kernel();
    }

    static String latencyCell(Stats.Summary s) {
        if (s.empty()) return "–";
        return ms(s.median()) + " (" + ms(s.p95()) + ")";
    }

    static String ms(double v) {
        if (Double.isNaN(v)) return "–";
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String mib(double bytes) {
        if (Double.isNaN(bytes)) return "–";
        if (bytes == 0) return "0 B";
        double m = bytes / (1 << 20);
        return m >= 1024 ? String.format(Locale.ROOT, "%.1f GiB", m / 1024) : String.format(Locale.ROOT, "%.1f MiB", m);
    }

    /** Bytes in the unit that suits them: B, KiB, then as {@link #mib}. */
    static String bytes(double b) {
        if (Double.isNaN(b)) return "–";
        if (b < 1024) return String.format(Locale.ROOT, "%.0f B", b);
        if (b < 1 << 20) return String.format(Locale.ROOT, "%.1f KiB", b / 1024);
        return mib(b);
    }

    /** {@code part} as a percentage of {@code whole}, with the digits a small share needs. */
    static String percent(double part, double whole) {
        if (whole <= 0 || Double.isNaN(part)) return "–";
        double p = 100 * part / whole;
        return String.format(Locale.ROOT, p >= 10 ? "%.0f%%" : p >= 1 ? "%.1f%%" : "%.2f%%", p);
    }

    static String ratio(double r) {
        return Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.2f", r);
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) return String.format(Locale.ROOT, "%.0f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String oneLine(String s) {
        if (s == null) return "";
        String t = s.replace('\n', ' ').replace('|', '/').strip();
        return t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }

    static String header(String first, List<String> cols) {
        StringBuilder b = new StringBuilder("| ").append(first);
        for (String c : cols) b.append(" | ").append(c);
        b.append(" |\n|---");
        b.append("|---:".repeat(cols.size()));
        return b.append("|\n").toString();
    }

    static String row(String first, List<String> cells) {
        StringBuilder b = new StringBuilder("| ").append(first);
        for (String c : cells) b.append(" | ").append(c);
        return b.append(" |\n").toString();
    }
}
