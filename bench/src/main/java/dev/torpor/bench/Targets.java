package dev.torpor.bench;

import static dev.torpor.bench.Results.CHECKPOINT;
import static dev.torpor.bench.Results.DOCKER;
import static dev.torpor.bench.Results.RUNC;
import static dev.torpor.bench.Results.TORPOR;
import static dev.torpor.bench.Results.WAKE_RESTORE;

import dev.torpor.bench.Results.DensityPoint;
import dev.torpor.bench.Results.TargetResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The targets, each evaluated on a run's results: measured value, threshold, met or missed. */
public final class Targets {
    /** The function size the latency targets are stated for. */
    public static final int TARGET_SIZE_MB = 25;
    public static final long AGENT_RSS_LIMIT = 48L << 20;
    public static final int AGENT_FUNCTIONS = 50;
    public static final double DENSITY_FACTOR = 10;

    private Targets() {}

    public static List<TargetResult> evaluate(Results r) {
        List<TargetResult> out = new ArrayList<>();
        out.add(ratioTarget(r, "suspend-vs-runc", "Torpor's checkpoint of a 25 MB function within 1.2× of raw `runc checkpoint`",
                CHECKPOINT, RUNC, 1.2));
        out.add(ratioTarget(r, "suspend-vs-docker", "Torpor's checkpoint at least 3× faster than Docker's `checkpoint create`",
                CHECKPOINT, DOCKER, 1 / 3.0));
        out.add(ratioTarget(r, "wake-vs-runc", "Torpor's wake from a checkpoint within 1.2× of raw `runc restore` + one request",
                WAKE_RESTORE, RUNC, 1.2));
        out.add(ratioTarget(r, "wake-vs-docker", "Torpor's wake from a checkpoint at least 3× faster than Docker's `start --checkpoint`",
                WAKE_RESTORE, DOCKER, 1 / 3.0));
        out.add(checkpointedZero(r));
        out.add(agentRss(r));
        out.add(density(r));
        return out;
    }

    /** Torpor's median over the peer's median for the 25 MB function; the target is a ceiling on that ratio. */
    static TargetResult ratioTarget(Results r, String id, String description, String measure, String peer, double maxRatio) {
        String cmp = "Torpor ÷ " + Report.systemName(peer) + " ≤";
        if (!r.ok(peer)) return unmeasured(id, description, cmp, maxRatio, Report.systemName(peer) + " failed: " + r.error(peer));
        if (!r.ok(TORPOR)) return unmeasured(id, description, cmp, maxRatio, "Torpor failed: " + r.error(TORPOR));
        double t = r.medianMs(TORPOR, TARGET_SIZE_MB, measure), p = r.medianMs(peer, TARGET_SIZE_MB, measure);
        double ratio = Stats.ratio(t, p);
        if (Double.isNaN(ratio)) return unmeasured(id, description, cmp, maxRatio, "no samples of " + measure + " at " + TARGET_SIZE_MB + " MB");
        String detail = String.format("median %s: Torpor %.1f ms, %s %.1f ms", measure, t, Report.systemName(peer), p);
        return new TargetResult(id, description, ratio, cmp, maxRatio, ratio <= maxRatio ? "met" : "missed", detail);
    }

    static TargetResult checkpointedZero(Results r) {
        String id = "checkpointed-zero", description = "A checkpointed Torpor function holds 0 bytes of resident memory";
        List<Results.MemorySample> m = r.memory().stream()
                .filter(s -> s.system().equals(TORPOR) && s.state().equals("checkpointed")).toList();
        if (m.isEmpty()) return unmeasured(id, description, "bytes ≤", 0, "no memory samples of a checkpointed Torpor instance");
        long worst = m.stream().mapToLong(Results.MemorySample::usageBytes).max().orElse(0);
        long stillThere = m.stream().filter(Results.MemorySample::cgroupExists).count();
        String detail = m.size() + " samples, largest " + worst + " B; cgroup still present in " + stillThere;
        return new TargetResult(id, description, (double) worst, "bytes ≤", 0, worst == 0 ? "met" : "missed", detail);
    }

    static TargetResult agentRss(Results r) {
        String id = "agent-rss", description = "Torpor's node agent at most 48 MiB resident when idle with 50 functions deployed";
        Optional<Results.AgentMemory> a = r.agent().stream()
                .filter(x -> x.process().equals("torpor-agent") && x.functions() >= AGENT_FUNCTIONS)
                .max(Comparator.comparingLong(Results.AgentMemory::rssBytes));
        if (a.isEmpty()) return unmeasured(id, description, "MiB ≤", AGENT_RSS_LIMIT >> 20, "not measured with 50 functions");
        double mib = a.get().rssBytes() / (double) (1 << 20);
        String detail = String.format("%.1f MiB (%s, %d functions, %d instances)", mib, a.get().phase(), a.get().functions(), a.get().instances());
        return new TargetResult(id, description, mib, "MiB ≤", AGENT_RSS_LIMIT >> 20,
                a.get().rssBytes() <= AGENT_RSS_LIMIT ? "met" : "missed", detail);
    }

    /**
     * Live functions under the checkpoint policy, at a step where every event was answered correctly, over the most
     * functions the same budget keeps alive without suspending (policy none, where the rest are refused).
     */
    static TargetResult density(Results r) {
        String id = "density", description = "At least 10× as many live long-running functions as fit resident, every event answered correctly";
        int resident = r.density().stream().filter(p -> p.policy().equals("none")).mapToInt(DensityPoint::alive).max().orElse(0);
        int suspended = bestAlive(r.density(), "checkpoint");
        if (resident <= 0) return unmeasured(id, description, "× ≥", DENSITY_FACTOR, "policy none kept no function alive");
        double factor = suspended / (double) resident;
        String detail = String.format("checkpoint: %d live, none: %d live (budget %d MiB, functions of %d MiB)", suspended, resident,
                r.settings().densityBudgetBytes() >> 20, r.settings().densityMemoryMiB());
        return new TargetResult(id, description, factor, "× ≥", DENSITY_FACTOR, factor >= DENSITY_FACTOR ? "met" : "missed", detail);
    }

    /** The most functions a policy kept alive at a step where every event was answered correctly. */
    static int bestAlive(List<DensityPoint> points, String policy) {
        return points.stream().filter(p -> p.policy().equals(policy) && p.failed() == 0 && p.correct() == p.events())
                .mapToInt(DensityPoint::alive).max().orElse(0);
    }

    private static TargetResult unmeasured(String id, String description, String cmp, double threshold, String why) {
        return new TargetResult(id, description, null, cmp, threshold, "unmeasured", why);
    }
}
