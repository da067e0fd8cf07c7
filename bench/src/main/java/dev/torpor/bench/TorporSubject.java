package dev.torpor.bench;

import dev.torpor.node.Node;
import dev.torpor.node.NodeConfig;
import dev.torpor.runtime.oci.OciRuntimes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Torpor: a real node started in this process, driven only through its HTTP API. Per size there are two functions
 * of the same code: {@code c<size>} (policy none, checkpointed on demand through the API) and {@code p<size>}
 * (policy pause after 100 ms idle, since pausing has no API call: its duration is the lifecycle's own timer).
 */
final class TorporSubject extends Subject {
    static final long PAUSE_IDLE_MS = 100;
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private final Node node;
    private final TorporApi api;
    private final Path data;
    private final Map<Integer, Integer> limitsMiB;
    private final Map<String, String> ids = new HashMap<>();
    private final Map<String, double[]> lastTimers = new HashMap<>();

    TorporSubject(Path data, Map<Integer, Integer> limitsMiB, long budgetBytes) throws IOException, InterruptedException {
        this.data = data;
        this.limitsMiB = limitsMiB;
        this.node = start(data, budgetBytes, Duration.ofSeconds(30));
        this.api = new TorporApi("http://127.0.0.1:" + node.address().getPort());
    }

    static Node start(Path data, long budgetBytes, Duration admission) throws IOException, InterruptedException {
        Files.createDirectories(data);
        return Node.start(NodeConfig.standalone("bench", new InetSocketAddress("127.0.0.1", 0), data, budgetBytes)
                .withTimeouts(Duration.ofSeconds(30), admission));
    }

    @Override
    String name() {
        return Results.TORPOR;
    }

    @Override
    void deploy(int sizeMb) throws Exception {
        for (String kind : List.of("c", "p")) {
            String fn = kind + sizeMb;
            api.create(fn, limitsMiB.get(sizeMb), sizeMb, kind.equals("c") ? "none" : "pause", kind.equals("c") ? 0 : PAUSE_IDLE_MS);
            counted(fn, api.answer(fn));
            ids.put(fn, api.instanceOf(fn).get("instanceId").asText());
        }
        lastTimers.putAll(api.operationTimers());
    }

    @Override
    double pause(int sizeMb) throws Exception {
        api.awaitState(ids.get("p" + sizeMb), "PAUSED", SETTLE);
        return timerDelta(api.operationTimers(), "pause");
    }

    @Override
    Answer wakeFromPause(int sizeMb) throws Exception {
        String fn = "p" + sizeMb;
        Answer a = counted(fn, api.answer(fn));
        // Let the idle policy freeze it again now, so it does not do so during another system's measurement;
        // the next pause() reports that freeze.
        api.awaitState(ids.get(fn), "PAUSED", SETTLE);
        return a;
    }

    /**
     * Torpor's suspend is its lifecycle's checkpoint: from the dump's start until the memory is freed (what the
     * idle policy and eviction run). The API call used to trigger it answers later, once the image is also
     * checksummed and fsynced; that round trip is kept as {@code api-checkpoint}.
     */
    @Override
    double checkpoint(int sizeMb) throws Exception {
        double before = lastTimers.getOrDefault("checkpoint", new double[2])[1];
        lastApiCheckpoint = api.ok("POST", "/torpor/v1/instances/" + ids.get("c" + sizeMb) + "/checkpoint", null).ms();
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Map<String, double[]> now;
        while ((now = api.operationTimers()).getOrDefault("checkpoint", new double[2])[1] <= before) {
            if (System.nanoTime() > deadline) throw new BenchException("the node never reported the checkpoint's timer");
            Thread.sleep(2);
        }
        return lastCheckpoint = timerDelta(now, "checkpoint");
    }

    private double lastApiCheckpoint = Double.NaN, lastCheckpoint = Double.NaN;

    /**
     * The image, once complete: Torpor frees the memory first and completes the image (checksums, fsync, manifest)
     * in the background, so the harness waits for the manifest. The wake that follows then starts, like the
     * peers', from a finished image rather than waiting for the end of the commit.
     */
    @Override
    Path imageDir(int sizeMb) throws IOException, InterruptedException {
        Path dir = data.resolve("checkpoints").resolve(ids.get("c" + sizeMb));
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            try (Stream<Path> s = Files.list(dir)) {
                var image = s.filter(p -> p.getFileName().toString().matches("\\d+"))
                        .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString())));
                if (image.isPresent() && Files.exists(image.get().resolve("manifest.json"))) return image.get();
            }
            if (System.nanoTime() > deadline) throw new BenchException("no complete checkpoint image in " + dir + " within " + SETTLE);
            Thread.sleep(2);
        }
    }

    @Override
    Answer wakeFromCheckpoint(int sizeMb) throws Exception {
        String fn = "c" + sizeMb;
        return counted(fn, api.answer(fn));
    }

    @Override
    Answer coldStart(int sizeMb, int round) throws Exception {
        String fn = "k" + sizeMb + "-" + round;
        api.create(fn, limitsMiB.get(sizeMb), sizeMb, "none", 0);
        try {
            return api.answer(fn).checkedAgainst(1);
        } finally {
            api.delete(fn);
        }
    }

    @Override
    Cgroups.Memory memory(int sizeMb, String state) {
        String fn = (state.equals("paused") ? "p" : "c") + sizeMb;
        // The node's runc driver puts each instance in the cgroup /torpor/<node scope>/<instance id>.
        return Cgroups.read(Cgroups.dir("/torpor/" + OciRuntimes.scopeOf(data.resolve("runtime")) + "/" + ids.get(fn)));
    }

    @Override
    Map<String, Double> internalTimings(int sizeMb) throws Exception {
        Map<String, double[]> now = api.operationTimers();
        Map<String, Double> out = new HashMap<>();
        out.put(Results.OP_PAUSE, lastPause);
        for (String op : List.of("resume", "restore")) out.put("op-" + op, timerDelta(now, op));
        out.put(Results.OP_CHECKPOINT, lastCheckpoint);
        out.put(Results.API_CHECKPOINT, lastApiCheckpoint);
        return out;
    }

    private double lastPause = Double.NaN;

    /** The mean of the operations of this kind since the last look (one, in the benchmark's cycle), in ms. */
    private double timerDelta(Map<String, double[]> now, String op) {
        double[] before = lastTimers.getOrDefault(op, new double[2]), after = now.getOrDefault(op, new double[2]);
        lastTimers.put(op, after.clone());
        double n = after[1] - before[1];
        double ms = n <= 0 ? Double.NaN : (after[0] - before[0]) / n * 1000;
        if (op.equals("pause")) lastPause = ms;
        return ms;
    }

    @Override
    public void close() {
        try {
            for (var i : api.instances()) api.delete(i.get("function").asText());
        } catch (Exception e) {
            // the sweep below removes whatever is left
        }
        node.close();
        TorporNodes.sweep(data);
    }
}
