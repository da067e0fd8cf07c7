package dev.torpor.bench;

import dev.torpor.bench.Results.AgentMemory;
import dev.torpor.bench.Results.BackupCopy;
import dev.torpor.bench.Results.BackupSeries;
import dev.torpor.bench.Results.DensityPoint;
import dev.torpor.bench.Results.ImageSize;
import dev.torpor.bench.Results.MemoryMoment;
import dev.torpor.bench.Results.MemorySample;
import dev.torpor.bench.Results.Migration;
import dev.torpor.bench.Results.Sample;
import dev.torpor.bench.Results.SystemStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A fixed, hand-built results object: what the report and target tests render and judge. */
final class Fixtures {
    private Fixtures() {}

    /** Torpor, runc and Docker measured at 25 MB over 3 rounds; Podman failed. */
    static Results results() {
        List<Sample> samples = new ArrayList<>();
        // per system: checkpoint ms, restore-wake ms, for rounds 1..3
        add(samples, "torpor", Results.CHECKPOINT, 200, 210, 400);
        add(samples, "runc", Results.CHECKPOINT, 180, 190, 185);
        add(samples, "docker", Results.CHECKPOINT, 1500, 1600, 1700);
        add(samples, "torpor", Results.WAKE_RESTORE, 300, 320, 310);
        add(samples, "runc", Results.WAKE_RESTORE, 200, 200, 210);
        add(samples, "docker", Results.WAKE_RESTORE, 1000, 1100, 1200);
        add(samples, "torpor", Results.PAUSE, 10, 12, 11);
        add(samples, "runc", Results.PAUSE, 7, 7, 8);
        add(samples, "torpor", Results.WAKE_COLD, 250, 260, 270);
        samples.add(new Sample("runc", 25, Results.WAKE_COLD, 1, 150, false, "unexpected counter 2"));
        List<MemorySample> memory = List.of(
                new MemorySample("torpor", 25, "running", 1, 35L << 20, 30L << 20, true),
                new MemorySample("torpor", 25, "checkpointed", 1, 0, 0, false),
                new MemorySample("runc", 25, "running", 1, 34L << 20, 30L << 20, true));
        List<ImageSize> sizes = List.of(new ImageSize("torpor", 25, 1, 34L << 20, 2L << 20, 12, 40.0),
                new ImageSize("torpor", 25, 2, 34L << 20, -1, 12, Double.NaN));
        List<AgentMemory> agent = List.of(new AgentMemory("torpor-agent", "idle", 50, 50, 60L << 20, 20L << 20),
                new AgentMemory("dockerd", "idle", 0, 1, 80L << 20, -1));
        List<DensityPoint> density = List.of(
                new DensityPoint("none", 2, 2, 4, 4, 0, List.of(10.0, 12.0, 11.0, 9.0), null,
                        List.of(new MemoryMoment(0.25, 60L << 20, 256L << 20), new MemoryMoment(0.5, 70L << 20, 256L << 20))),
                new DensityPoint("none", 4, 2, 8, 4, 4, List.of(10.0, 12.0, 11.0, 9.0), "d2: 429 TooManyRequests",
                        List.of(new MemoryMoment(0.75, 72L << 20, 256L << 20))),
                new DensityPoint("checkpoint", 2, 2, 4, 4, 0, List.of(10.0, 12.0, 11.0, 9.0), null,
                        List.of(new MemoryMoment(0.25, 30L << 20, 128L << 20))),
                new DensityPoint("checkpoint", 24, 24, 48, 48, 0, List.of(400.0, 420.0), null,
                        List.of(new MemoryMoment(5.0, 64L << 20, 256L << 20), new MemoryMoment(5.25, 0, 0))));
        var settings = new Results.Settings(List.of(25), 3, 256L << 20, 128, 25, List.of(2, 4, 24), 50, 50,
                new TreeMap<>(Map.of(25, 128, 10, 128)), List.of(10), 3, 10, 500);
        Results r = new Results("quick", "2026-01-02T03:04:05Z", 99,
                new Results.Machine("Test CPU", 2, 24L << 30, "Debian 12", "6.18", "v1", "/var/lib/torpor-bench (ext2/ext3)"),
                Map.of("runc", "runc version 1.1.5", "criu", "Version: 4.2.1"), settings,
                List.of(new SystemStatus("torpor", true, null), new SystemStatus("runc", true, null),
                        new SystemStatus("docker", true, null), new SystemStatus("podman", false, "podman run failed, exit 125: no image")),
                samples, memory, sizes, agent, density, migrations(), backups(), Map.of(), List.of());
        return r.withTargets(Targets.evaluate(r));
    }

    /**
     * 10 MB over 3 rounds: stop-and-copy zstd as asked (one wrong answer), uncompressed as asked, post-copy with zstd
     * refused by the node, post-copy uncompressed done as stop-and-copy by a node that ignores the mode.
     */
    static List<Migration> migrations() {
        List<Migration> m = new ArrayList<>();
        double[] total = {500, 520, 900}, frozen = {300, 310, 700};
        for (int round = 1; round <= 3; round++) {
            String from = round % 2 == 1 ? "edge-a" : "edge-b", to = round % 2 == 1 ? "edge-b" : "edge-a";
            int i = round - 1;
            m.add(new Migration(10, "stop-and-copy", true, round, from, to, null, null, 20L << 20, 1L << 20, total[i], frozen[i],
                    total[i] + 10, 12.0, round != 2, round != 2 ? "count " + (round + 1) : "WRONG ANSWER: count 7"));
            m.add(new Migration(10, "stop-and-copy", false, round, from, to, null, "stop-and-copy", 20L << 20, 20L << 20,
                    400.0 + round, 250.0, 410.0, 11.0, true, "count " + (round + 1)));
            m.add(new Migration(10, "post-copy", true, round, "edge-a", "edge-b",
                    "the node answered 400 InvalidParameterValueException: post-copy needs a page server", null, null, null, null,
                    null, 3.0, 10.0, true, "count " + (round + 1)));
            m.add(new Migration(10, "post-copy", false, round, from, to, MigrationRun.modeProblem("post-copy", null), null,
                    20L << 20, 20L << 20, 9999.0, 9999.0, 9999.0, 11.0, true, "count " + (round + 1)));
        }
        return m;
    }

    /** 10 MB: copies 1 to 10 seen; 50 MB: copy 2 replaced before it was seen. */
    static List<BackupSeries> backups() {
        List<BackupCopy> ten = new ArrayList<>(), fifty = new ArrayList<>();
        for (long seq = 1; seq <= 10; seq++) ten.add(new BackupCopy(seq, 20L << 20, seq == 1 ? 9L << 20 : 19_456 + seq, "2026-01-02T03:04:0" + (seq % 10) + "Z"));
        for (long seq : new long[] {1, 3}) fifty.add(new BackupCopy(seq, 60L << 20, seq == 1 ? 10L << 20 : 40_960, "2026-01-02T03:05:00Z"));
        return List.of(new BackupSeries(10, "b10-1", ten, 10, 10, null),
                new BackupSeries(50, "b50-1", fifty, 2, 1, "copies 2–2 were replaced before the bench saw them; only 2 copies within the run's deadline"));
    }

    private static void add(List<Sample> out, String system, String measure, double... ms) {
        for (int i = 0; i < ms.length; i++) out.add(new Sample(system, 25, measure, i + 1, ms[i], true, null));
    }
}
