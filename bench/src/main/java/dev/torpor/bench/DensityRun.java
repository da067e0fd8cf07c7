package dev.torpor.bench;

import dev.torpor.bench.Results.DensityPoint;
import dev.torpor.node.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Density: how many long-running functions one node keeps alive under a fixed memory budget. For each policy a
 * fresh node; functions are added step by step and every step sends each function {@code passes} events in
 * round-robin. A function is live at a step when every one of its events there was answered with its counter one
 * past the previous answer: its state survived. A step where some function was lost or refused ends the policy's
 * climb: the curve has flattened.
 */
final class DensityRun {
    static final List<String> POLICIES = List.of("none", "pause", "checkpoint");
    /**
     * Under policy none, invocations the budget cannot admit are refused after this long (the node's default is
     * 30 s). The same setting bounds a wake, so the suspending policies keep the default: a restore that first
     * evicts another instance takes longer than a second on this machine.
     */
    static final Duration REFUSE_AFTER = Duration.ofSeconds(1), DEFAULT_ADMISSION = Duration.ofSeconds(30);

    final List<DensityPoint> points = new ArrayList<>();

    void run(Path work, long budgetBytes, int memoryMiB, int ballastMb, long idleMs, List<Integer> levels, int passes) {
        for (String policy : POLICIES) {
            Path data = work.resolve("density-" + policy);
            Sh.run(List.of("rm", "-rf", data.toString()));
            Node node = null;
            try {
                node = TorporSubject.start(data, budgetBytes, policy.equals("none") ? REFUSE_AFTER : DEFAULT_ADMISSION);
                TorporApi api = new TorporApi("http://127.0.0.1:" + node.address().getPort());
                Map<String, Integer> counts = new HashMap<>();
                int deployed = 0;
                try (DensityMemory memory = new DensityMemory(node)) {
                    for (int level : levels) {
                        for (; deployed < level; deployed++) api.create("d" + deployed, memoryMiB, ballastMb, policy, idleMs);
                        DensityPoint p = step(api, policy, level, passes, counts, memory);
                        points.add(p);
                        Progress.say("density %-10s %2d deployed: %2d live, %d/%d events correct, %d failed, p50 %s ms, p95 %s ms",
                                policy, level, p.alive(), p.correct(), p.events(), p.failed(),
                                Report.ms(Stats.median(p.latenciesMs())), Report.ms(Stats.percentile(p.latenciesMs().isEmpty() ? List.of(Double.NaN) : p.latenciesMs(), 95)));
                        if (p.alive() < level) break;
                    }
                }
            } catch (Exception | AssertionError e) {
                points.add(new DensityPoint(policy, -1, 0, 0, 0, 0, List.of(), "the run broke: " + e, List.of()));
                Progress.say("density %s broke: %s", policy, e);
            } finally {
                if (node != null) {
                    Node n = node;
                    try {
                        n.instances().list().forEach(s -> n.instances().retire(s.function()));
                    } catch (RuntimeException e) {
                        // swept below
                    }
                    n.close();
                }
                TorporNodes.sweep(data);
            }
        }
    }

    private static DensityPoint step(TorporApi api, String policy, int deployed, int passes, Map<String, Integer> counts,
                                     DensityMemory memory) throws Exception {
        List<Double> latencies = new ArrayList<>();
        boolean[] live = new boolean[deployed];
        java.util.Arrays.fill(live, true);
        int events = 0, correct = 0, failed = 0;
        String firstError = null;
        for (int pass = 0; pass < passes; pass++) {
            for (int i = 0; i < deployed; i++) {
                String fn = "d" + i;
                events++;
                TorporApi.Reply r = api.invoke(fn);
                if (!r.ok()) {
                    failed++;
                    live[i] = false;
                    if (firstError == null) firstError = fn + ": " + r.status() + " " + r.body();
                    continue;
                }
                latencies.add(r.ms());
                Answer a = Answer.parse(r.body(), r.ms());
                int expected = counts.getOrDefault(fn, 0) + 1;
                counts.put(fn, a.count());
                if (a.count() == expected) {
                    correct++;
                } else {
                    live[i] = false;
                    if (firstError == null) firstError = fn + ": counter " + a.count() + ", expected " + expected + " (state lost)";
                }
            }
        }
        int alive = 0;
        for (boolean b : live) if (b) alive++;
        return new DensityPoint(policy, deployed, alive, events, correct, failed, latencies, firstError, memory.take());
    }
}
