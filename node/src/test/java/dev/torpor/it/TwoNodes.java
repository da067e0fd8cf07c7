package dev.torpor.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.testing.Await;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Two child nodes that know each other, edge-a and edge-b, each on its own data: on loopback addresses of their own
 * (127.0.0.2 and 127.0.0.3), or each in a network namespace of a {@link NamespacePair}.
 */
final class TwoNodes implements AutoCloseable {
    static final long BUDGET = 512L << 20;
    /** How many times {@link #counterBackedUpOnB} invokes the counter before its backup. */
    static final int COUNT = 3;

    final TestNode a;
    final TestNode b;

    /** Starts one node on {@code data} with {@code args}. */
    private interface Starter {
        TestNode start(Path data, List<String> args) throws Exception;
    }

    TwoNodes(Path root) throws Exception {
        this(root, List.of());
    }

    /** With {@code args} given to both nodes as well. */
    TwoNodes(Path root, List<String> args) throws Exception {
        this(root, nodeId -> args);
    }

    /** With {@code argsOf} each node's id given to it as well; over https when they hold {@code --tls}. */
    TwoNodes(Path root, java.util.function.Function<String, List<String>> argsOf) throws Exception {
        this(root, argsOf, onLoopback("127.0.0.2", TestNode.freePort("127.0.0.2"), argsOf.apply("edge-a")),
                onLoopback("127.0.0.3", TestNode.freePort("127.0.0.3"), argsOf.apply("edge-b")));
    }

    private TwoNodes(Path root, java.util.function.Function<String, List<String>> argsOf, Where a, Where b) throws Exception {
        TestNode started = null;
        try {
            started = a.starter.start(root.resolve("a"), with(argsOf.apply("edge-a"), "--node-id", "edge-a", "--peer", "edge-b=" + b.urlForPeer));
            this.b = b.starter.start(root.resolve("b"), with(argsOf.apply("edge-b"), "--node-id", "edge-b", "--peer", "edge-a=" + a.urlForPeer));
        } catch (Exception | AssertionError e) {
            if (started != null) started.close();
            throw e;
        }
        this.a = started;
    }

    /** edge-a in {@code net}'s namespace A, edge-b in B: they talk over the link the test can cut. */
    static TwoNodes in(NamespacePair net, Path root, List<String> args) throws Exception {
        return new TwoNodes(root, nodeId -> args, inNamespace(net.a), inNamespace(net.b));
    }

    /** How to start a node, and the URL its peer reaches it at. */
    private record Where(Starter starter, String urlForPeer) {}

    private static Where onLoopback(String host, int port, List<String> args) {
        return new Where((data, all) -> TestNode.peer(data, BUDGET, host, port, all),
                (args.contains("--tls") ? "https://" : "http://") + host + ":" + port);
    }

    private static Where inNamespace(NamespacePair.Side side) {
        return new Where((data, args) -> TestNode.launched(side.launcher(), data, BUDGET, side.testAddress(), NamespacePair.PORT, args),
                side.peerUrl());
    }

    private static List<String> with(List<String> args, String... more) {
        List<String> all = new java.util.ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    /**
     * Deploys "counter" on a (the probe test function: it counts, and sleeps on request), backed up to b every second,
     * invokes it {@link #COUNT} times and waits until b holds a backup taken after the last invocation.
     */
    void counterBackedUpOnB() {
        HttpResponse<String> created = a.createTestFunction("counter", "probe", 30, Map.of(),
                Map.of("torpor:suspend", "none", "torpor:backup", "edge-b", "torpor:backup-interval-ms", "1000"));
        if (created.statusCode() != 201) throw new AssertionError("create answered " + created.statusCode() + ": " + created.body());
        int count = 0;
        for (int i = 0; i < COUNT; i++) count = awaitServed(a, "counter").get("count").asInt();
        if (count != COUNT) throw new AssertionError("the counter is at " + count + " after " + COUNT + " invocations");
        String id = a.instanceOf("counter").get("instanceId").asText();
        // Two commits after the last invocation: the later one was surely dumped after it.
        awaitBackupAfter(b, id, backupSeq(b, id) + 1);
    }

    /** The sequence number of the newest backup of instance {@code id} that {@code holder} keeps; 0 if it has none. */
    long backupSeq(TestNode holder, String id) {
        return backupOf(holder, id).map(r -> r.get("seq").asLong()).orElse(0L);
    }

    private static Optional<JsonNode> backupOf(TestNode holder, String id) {
        for (JsonNode r : TestNode.json(holder.call("GET", "/torpor/v1/backups", null).body()).get("backups")) {
            if (r.get("instanceId").asText().equals(id)) return Optional.of(r);
        }
        return Optional.empty();
    }

    /** Waits until {@code holder} keeps a backup of instance {@code id} later than {@code seq}; that backup. */
    JsonNode awaitBackupAfter(TestNode holder, String id, long seq) {
        return awaitBackupAfter(holder, id, seq, Duration.ofSeconds(60));
    }

    JsonNode awaitBackupAfter(TestNode holder, String id, long seq, Duration timeout) {
        return Await.value("backup " + (seq + 1) + " of " + id + " is at " + holder.endpoint(),
                () -> backupOf(holder, id).filter(r -> r.get("seq").asLong() > seq), timeout, this::outputs);
    }

    JsonNode awaitServed(TestNode node, String function) {
        return TestNode.json(awaitAnswer(node, function).body());
    }

    /** Invokes until the node answers 200 without a function error (a node may refuse while leases settle). */
    HttpResponse<String> awaitAnswer(TestNode node, String function) {
        return Await.matching(function + " answers at " + node.endpoint(), () -> {
            try {
                return node.invokeRaw(function, "{}");
            } catch (RuntimeException e) {
                return null; // not listening yet
            }
        }, r -> r != null && r.statusCode() == 200 && r.headers().firstValue("X-Amz-Function-Error").isEmpty(),
                Duration.ofSeconds(60), this::outputs);
    }

    /** What both nodes printed, for a failure's message. */
    String outputs() {
        return "edge-a:\n" + a.childOutput() + "\nedge-b:\n" + b.childOutput();
    }

    @Override
    public void close() throws Exception {
        try {
            a.close();
        } finally {
            b.close();
        }
    }
}
