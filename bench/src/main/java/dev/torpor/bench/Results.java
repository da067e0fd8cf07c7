package dev.torpor.bench;

import java.util.List;
import java.util.Map;

/**
 * Everything one run measured, as written to {@code results.json}: raw samples, not only summaries, so every figure
 * of the report can be recomputed from this file. {@code brokenParts}: parts of the run (migration, backup) that broke
 * before they were done, with the error that ended them.
 */
public record Results(
        String mode,
        String startedAt,
        double seconds,
        Machine machine,
        Map<String, String> versions,
        Settings settings,
        List<SystemStatus> systems,
        List<Sample> samples,
        List<MemorySample> memory,
        List<ImageSize> checkpointSizes,
        List<AgentMemory> agent,
        List<DensityPoint> density,
        List<Migration> migrations,
        List<BackupSeries> backups,
        Map<String, String> brokenParts,
        List<TargetResult> targets) {

    /** The systems, in the order the tables show them; Torpor first, the peers after. */
    public static final String TORPOR = "torpor", RUNC = "runc", DOCKER = "docker", PODMAN = "podman";
    public static final List<String> SYSTEMS = List.of(TORPOR, RUNC, DOCKER, PODMAN);

    /** Measures, in milliseconds. Wake measures run from the event's arrival to the function's answer. */
    public static final String PAUSE = "suspend-pause", CHECKPOINT = "suspend-checkpoint",
            WAKE_UNPAUSE = "wake-unpause", WAKE_RESTORE = "wake-restore", WAKE_COLD = "wake-cold";
    /** Torpor's own account of its operations (the lifecycle's timers, read from /metrics). */
    public static final String OP_PAUSE = "op-pause", OP_RESUME = "op-resume", OP_CHECKPOINT = "op-checkpoint",
            OP_RESTORE = "op-restore";
    /** Torpor's checkpoint API call, which answers once the image is complete and fsynced. */
    public static final String API_CHECKPOINT = "api-checkpoint";
    public static final List<String> MEASURES = List.of(PAUSE, CHECKPOINT, WAKE_UNPAUSE, WAKE_RESTORE, WAKE_COLD);

    public record Machine(String cpu, int cores, long memoryBytes, String os, String kernel, String cgroups,
                          String workDir) {}

    public record Settings(List<Integer> sizesMb, int rounds, long densityBudgetBytes, int densityMemoryMiB,
                           int densityBallastMb, List<Integer> densityLevels, int agentFunctions, int agentInvoked,
                           Map<Integer, Integer> memoryLimitMiB, List<Integer> migrationSizesMb, int migrationRounds,
                           int backups, long backupIntervalMs) {}

    /** A system that could not be measured (or broke during the run) says so here, with its error. */
    public record SystemStatus(String system, boolean ok, String error) {}

    /**
     * One timed operation. {@code correct} is whether the function's answer showed the state it should have (the
     * counter one past the last answer; 1 after a cold start, whose state is lost by definition).
     */
    public record Sample(String system, int sizeMb, String measure, int round, double ms, boolean correct, String note) {}

    /** Memory charged to the function's cgroup in a state (running, paused, checkpointed); 0 once the cgroup is gone. */
    public record MemorySample(String system, int sizeMb, String state, int round, long usageBytes, long rssBytes,
                               boolean cgroupExists) {}

    /** A checkpoint image on disk; {@code zstdBytes} is -1 where it was not compressed (every round but one). */
    public record ImageSize(String system, int sizeMb, int round, long rawBytes, long zstdBytes, int files, double zstdMs) {}

    /** Resident memory of a platform's own processes (Torpor's agent JVM; dockerd and containerd for reference). */
    public record AgentMemory(String process, String phase, int functions, int instances, long rssBytes, long rssFileBytes) {}

    /**
     * One step of the density run: {@code deployed} functions in round-robin under one policy and a fixed budget;
     * {@code memory}: the node's memory sampled while the step ran.
     */
    public record DensityPoint(String policy, int deployed, int alive, int events, int correct, int failed,
                               List<Double> latenciesMs, String firstError, List<MemoryMoment> memory) {}

    /**
     * The node's function memory at one moment of a density climb, {@code seconds} after the policy's climb began:
     * what the functions' cgroups held, and what resident instances reserved of the budget.
     */
    public record MemoryMoment(double seconds, long residentBytes, long reservedBytes) {}

    /**
     * One migration of one instance between the two nodes, as asked ({@code mode}: stop-and-copy or post-copy) and as
     * the node reported it ({@code reportedMode}, null when its report names none). {@code error} is null when the node
     * did what was asked; otherwise it says what it answered, and the figures are those of what it did instead, if
     * anything (null when nothing moved). {@code correct}: the function's next answer, on whichever node then held it,
     * continued its counter.
     */
    public record Migration(int sizeMb, String mode, boolean compress, int round, String from, String to, String error,
                            String reportedMode, Long imageBytes, Long wireBytes, Double totalMs, Double frozenMs,
                            Double callMs, Double answerMs, boolean correct, String note) {
        public boolean ok() {
            return error == null;
        }
    }

    /**
     * The backups of one function holding {@code sizeMb}, copy 1 up, as its backup peer listed them, and the events it
     * answered meanwhile (one every {@link BackupRun#EVENT_EVERY_MS}). {@code error} says why the series stopped short,
     * skipped a copy or lost an event.
     */
    public record BackupSeries(int sizeMb, String instanceId, List<BackupCopy> copies, int answers, int correctAnswers,
                               String error) {}

    /** One committed backup: the image's size and the bytes that had to travel (chunks the peer lacked). */
    public record BackupCopy(long seq, long imageBytes, long shippedBytes, String committedAt) {}

    /** A target of the issue with what was measured; status is met, missed or unmeasured (with why). */
    public record TargetResult(String id, String description, Double measured, String comparison, double threshold,
                               String status, String detail) {}

    public Results withTargets(List<TargetResult> t) {
        return new Results(mode, startedAt, seconds, machine, versions, settings, systems, samples, memory,
                checkpointSizes, agent, density, migrations, backups, brokenParts, t);
    }

    public List<Double> ms(String system, int sizeMb, String measure) {
        return samples.stream().filter(s -> s.system().equals(system) && s.sizeMb() == sizeMb && s.measure().equals(measure))
                .map(Sample::ms).toList();
    }

    public Stats.Summary summary(String system, int sizeMb, String measure) {
        return Stats.of(ms(system, sizeMb, measure));
    }

    public double medianMs(String system, int sizeMb, String measure) {
        return Stats.median(ms(system, sizeMb, measure));
    }

    public List<Double> memory(String system, int sizeMb, String state) {
        return memory.stream().filter(m -> m.system().equals(system) && m.sizeMb() == sizeMb && m.state().equals(state))
                .map(m -> (double) m.usageBytes()).toList();
    }

    /** The migrations of the functions of one size made one way, failed ones included. */
    public List<Migration> migrations(int sizeMb, String mode, boolean compress) {
        return migrations.stream().filter(m -> m.sizeMb() == sizeMb && m.mode().equals(mode) && m.compress() == compress).toList();
    }

    public boolean ok(String system) {
        return systems.stream().filter(s -> s.system().equals(system)).findFirst().map(SystemStatus::ok).orElse(false);
    }

    public String error(String system) {
        return systems.stream().filter(s -> s.system().equals(system)).findFirst().map(SystemStatus::error).orElse("not run");
    }
}
