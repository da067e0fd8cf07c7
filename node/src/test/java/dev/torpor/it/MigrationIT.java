package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.cli.TorporCli;
import dev.torpor.testing.Await;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Two real node processes on their own loopback addresses: instances move between them with their state. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MigrationIT {
    private static final long BUDGET = 512L << 20;

    @TempDir
    Path dataA;

    @TempDir
    Path dataB;

    TestNode a;
    TestNode b;

    @BeforeEach
    void startNodes() throws Exception {
        RealStack.require();
        int portA = TestNode.freePort("127.0.0.2");
        int portB = TestNode.freePort("127.0.0.3");
        a = TestNode.peer(dataA, BUDGET, "127.0.0.2", portA,
                List.of("--node-id", "edge-a", "--peer", "edge-b=http://127.0.0.3:" + portB));
        b = TestNode.peer(dataB, BUDGET, "127.0.0.3", portB,
                List.of("--node-id", "edge-b", "--peer", "edge-a=http://127.0.0.2:" + portA));
    }

    @AfterEach
    void stopNodes() throws Exception {
        if (a != null) a.close();
        if (b != null) b.close();
    }

    @Test
    void aRunningCounterMovesWithItsStateAndTheSourceForwards() throws Exception {
        deployCounter(a, "mover", "none");
        a.invoke("mover", "{}");
        int pid = a.invoke("mover", "{}").get("pid").asInt();
        String id = a.instanceOf("mover").get("instanceId").asText();

        JsonNode report = migrate(a, id, "edge-b");
        assertThat(report.get("from").asText()).isEqualTo("edge-a");
        assertThat(report.get("imageBytes").asLong()).isGreaterThan(20L << 20);
        assertThat(report.get("wireBytes").asLong()).isPositive().isLessThan(report.get("imageBytes").asLong());
        assertThat(report.get("frozenMillis").asLong()).isPositive();

        assertThat(a.instances()).as("the source keeps no copy").isEmpty();
        JsonNode moved = b.instanceOf("mover");
        assertThat(moved.get("instanceId").asText()).isEqualTo(id);
        assertThat(moved.get("state").asText()).isEqualTo("IDLE");

        JsonNode viaSource = a.invoke("mover", "{}");
        assertThat(viaSource.get("count").asInt()).isEqualTo(3);
        assertThat(viaSource.get("pid").asInt()).as("the same process, restored on edge-b").isEqualTo(pid);
        assertThat(b.invoke("mover", "{}").get("count").asInt()).isEqualTo(4);
    }

    @Test
    void aCheckpointedInstanceMovesAsItsImage() throws Exception {
        deployCounter(a, "sleeper", "none");
        a.invoke("sleeper", "{}");
        String id = a.instanceOf("sleeper").get("instanceId").asText();
        assertThat(a.call("POST", "/torpor/v1/instances/" + id + "/checkpoint", null).statusCode()).isEqualTo(200);

        JsonNode report = migrate(a, id, "edge-b");
        assertThat(report.get("frozenMillis").asLong()).as("nothing was running to freeze").isZero();
        assertThat(b.invoke("sleeper", "{}").get("count").asInt()).isEqualTo(2);
    }

    @Test
    void badTargetsAreRefusedAndTheInstanceStays() throws Exception {
        deployCounter(a, "stayer", "none");
        a.invoke("stayer", "{}");
        String id = a.instanceOf("stayer").get("instanceId").asText();

        var unknown = a.call("POST", "/torpor/v1/instances/" + id + "/migrate", "{\"target\":\"edge-z\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("Unknown node 'edge-z'");

        b.stop(); // edge-b is down: refused before anything is frozen
        var down = a.call("POST", "/torpor/v1/instances/" + id + "/migrate", "{\"target\":\"edge-b\"}");
        assertThat(down.statusCode()).as("a peer that is away: retry later").isEqualTo(503);
        assertThat(down.body()).contains("not reachable");
        assertThat(a.instanceOf("stayer").get("state").asText()).isEqualTo("IDLE");
        assertThat(a.invoke("stayer", "{}").get("count").asInt()).isEqualTo(2);
    }

    @Test
    void aTargetWithoutRoomRefusesBeforeTheFreeze() throws Exception {
        deployCounter(a, "big", "none");
        a.call("PUT", "/torpor/v1/functions/big/policy", "{\"suspend\":\"none\"}");
        a.invoke("big", "{}");
        // Fill edge-b's budget with instances that may not be evicted.
        for (int i = 0; i < 4; i++) {
            deployCounter(b, "resident-" + i, "none");
            b.invoke("resident-" + i, "{}");
        }
        String id = a.instanceOf("big").get("instanceId").asText();
        var full = a.call("POST", "/torpor/v1/instances/" + id + "/migrate", "{\"target\":\"edge-b\"}");
        assertThat(full.statusCode()).isEqualTo(429);
        assertThat(full.body()).contains("no room");
        assertThat(a.instanceOf("big").get("state").asText()).isEqualTo("IDLE");
        assertThat(a.invoke("big", "{}").get("count").asInt()).isEqualTo(2);
    }

    @Test
    void aTargetKilledMidTransferLeavesTheInstanceServingOnTheSource() throws Exception {
        var created = a.create("heavy", "counter-python", 512, Map.of("BALLAST_MB", "300"), Map.of("torpor:suspend", "none"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        a.invoke("heavy", "{}");
        String id = a.instanceOf("heavy").get("instanceId").asText();

        var migration = CompletableFuture.supplyAsync(() ->
                a.call("POST", "/torpor/v1/instances/" + id + "/migrate",
                        "{\"target\":\"edge-b\",\"compress\":false,\"mode\":\"stop-and-copy\"}"));
        // Killed once the first bytes of the image have reached it (PostCopyIT loses the target later on).
        Await.until("edge-b receives the image", () -> {
            assertThat(migration).as("the move ended before edge-b received anything").isNotDone();
            return imageBytesOn(dataB, id) > 0;
        }, Duration.ofMinutes(2));
        b.kill();
        var r = migration.get(3, TimeUnit.MINUTES);
        assertThat(r.statusCode()).as(r.body()).isGreaterThanOrEqualTo(500);
        assertThat(r.body()).contains("stays on edge-a");
        assertThat(a.invoke("heavy", "{}").get("count").asInt()).as("restored on the source").isEqualTo(2);
    }

    @Test
    void aCorruptImageIsRefusedAndNothingIsRestored() throws Exception {
        deployCounter(b, "target", "none");
        byte[] garbage = new byte[64 * 1024];
        new java.util.Random(1).nextBytes(garbage);
        var r = b.call("POST", "/torpor/v1/migrations/target-00000000/image?function=target&from=edge-a", new String(garbage, java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(r.statusCode()).isBetween(400, 599);
        assertThat(b.instances()).isEmpty();
        assertThat(dataB.resolve("checkpoints/target-00000000")).satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    }

    @Test
    void twoMovesOfOneInstanceAtOnceAreRefused() throws Exception {
        deployCounter(a, "contested", "none");
        a.invoke("contested", "{}");
        String id = a.instanceOf("contested").get("instanceId").asText();
        var first = CompletableFuture.supplyAsync(() -> a.call("POST", "/torpor/v1/instances/" + id + "/migrate", "{\"target\":\"edge-b\"}"));
        var second = CompletableFuture.supplyAsync(() -> a.call("POST", "/torpor/v1/instances/" + id + "/migrate", "{\"target\":\"edge-b\"}"));
        List<Integer> statuses = List.of(first.get(2, TimeUnit.MINUTES).statusCode(), second.get(2, TimeUnit.MINUTES).statusCode());
        assertThat(statuses).containsExactlyInAnyOrder(200, 409);
        assertThat(a.invoke("contested", "{}").get("count").asInt()).isEqualTo(2);
    }

    @Test
    void drainMovesEveryInstanceToAPeer() throws Exception {
        for (String name : List.of("one", "two")) {
            deployCounter(a, name, "checkpoint");
            a.invoke(name, "{}");
        }
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new TorporCli()).setOut(new PrintWriter(out))
                .execute("node", "drain", "--endpoint", a.endpoint());
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("moved edge-a → edge-b").hasLineCount(2);
        assertThat(a.instances()).isEmpty();
        assertThat(b.instances()).hasSize(2);
        assertThat(a.invoke("one", "{}").get("count").asInt()).isEqualTo(2);
        assertThat(b.invoke("two", "{}").get("count").asInt()).isEqualTo(2);
    }

    private static void deployCounter(TestNode node, String name, String suspend) {
        var r = node.create(name, "counter-python", 128, Map.of("BALLAST_MB", "30"), Map.of("torpor:suspend", suspend));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** Bytes of instance {@code id}'s image in {@code data}'s checkpoints, being received or complete. */
    private static long imageBytesOn(Path data, String id) {
        Path dir = data.resolve("checkpoints").resolve(id);
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0; // a file went while we looked (a staging dir published or dropped): look again
        }
    }

    private static JsonNode migrate(TestNode from, String id, String to) {
        var r = from.call("POST", "/torpor/v1/instances/" + id + "/migrate", "{\"target\":\"" + to + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestNode.json(r.body());
    }
}
