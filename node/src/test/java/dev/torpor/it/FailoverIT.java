package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node dies with its containers; its backup peer takes the function over from the last backup; the dead node,
 * started again, does not run a second copy but forwards to the peer, and becomes the function's backup node.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FailoverIT extends TwoNodeTest {
    @Override
    List<String> nodeArgs() {
        return List.of("--lease-ttl-ms", "1500");
    }

    @Test
    void thePeerServesFromTheLastBackupAndTheRestartedNodeForwardsToIt() throws Exception {
        int onB = failOverToBAndRestartA();

        HttpResponse<String> viaA = awaitAnswer(nodes.a, "counter");
        assertThat(viaA.headers().firstValue("X-Torpor-Served-By")).as("A forwards to B").contains("edge-b");
        assertThat(TestNode.json(viaA.body()).get("count").asInt()).as("and B's count goes on").isEqualTo(onB + 1);
        for (JsonNode i : nodes.a.instances()) {
            assertThat(i.get("function").asText()).as("no copy of counter on A: %s", i).isNotEqualTo("counter");
        }
        assertThat(nodes.a.childOutput()).contains("edge-b took over counter");
    }

    @Test
    void theReturningNodeBecomesTheBackupNodeAndTakesTheFunctionBackWhenThePeerDies() throws Exception {
        failOverToBAndRestartA();
        String id = nodes.b.instanceOf("counter").get("instanceId").asText();

        JsonNode first = awaitBackupOn(nodes.a, id, 1);
        assertThat(first.get("owner").asText()).as("B backs counter up to A now").isEqualTo("edge-b");
        int count = TestNode.json(awaitAnswer(nodes.a, "counter").body()).get("count").asInt();
        awaitBackupOn(nodes.a, id, backupSeq(nodes.a, id) + 2); // surely dumped after that invocation
        nodes.b.kill();
        TestNode.sweepContainers(nodes.b.data);

        HttpResponse<String> back = awaitAnswer(nodes.a, "counter");
        assertThat(back.headers().firstValue("X-Torpor-Served-By")).as("served by A itself").isEmpty();
        assertThat(TestNode.json(back.body()).get("count").asInt()).as("from B's last backup").isEqualTo(count + 1);
        assertThat(nodes.a.childOutput()).contains("taking it over at epoch 3");
    }

    /**
     * counter counts on A, backed up to B; A dies with its containers; B takes over from the last backup and answers;
     * A starts again. Returns the count B answered.
     */
    private int failOverToBAndRestartA() throws Exception {
        assertThat(nodes.a.create("counter", "counter-python", 128, Map.of(),
                Map.of("torpor:suspend", "none", "torpor:backup", "edge-b", "torpor:backup-interval-ms", "1000")).statusCode())
                .isEqualTo(201);
        int count = 0;
        for (int i = 0; i < 3; i++) count = awaitServed(nodes.a, "counter").get("count").asInt();
        assertThat(count).isEqualTo(3);
        String id = nodes.a.instanceOf("counter").get("instanceId").asText();
        // Two commits after the last invocation: the later one was surely dumped after it.
        awaitBackupOn(nodes.b, id, backupSeq(nodes.b, id) + 2);

        nodes.a.kill();
        TestNode.sweepContainers(nodes.a.data); // the device is gone, and its functions with it

        JsonNode onB = awaitServed(nodes.b, "counter");
        assertThat(onB.get("count").asInt()).as("state no older than the last backup").isGreaterThanOrEqualTo(count + 1);
        nodes.a.start();
        return onB.get("count").asInt();
    }

    /** The sequence of the newest copy of the instance that {@code holder} keeps; 0 for none. */
    private static long backupSeq(TestNode holder, String id) {
        for (JsonNode b : TestNode.json(holder.call("GET", "/torpor/v1/backups", null).body()).get("backups")) {
            if (b.get("instanceId").asText().equals(id)) return b.get("seq").asLong();
        }
        return 0;
    }

    /** Waits until {@code holder} keeps copy {@code seq} of the instance, or a later one; the record. */
    private JsonNode awaitBackupOn(TestNode holder, String id, long seq) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (backupSeq(holder, id) < seq) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no backup " + seq + " of " + id + " at " + holder.endpoint() + "\nedge-a:\n"
                        + nodes.a.childOutput() + "\nedge-b:\n" + nodes.b.childOutput());
            }
            Thread.sleep(50);
        }
        for (JsonNode b : TestNode.json(holder.call("GET", "/torpor/v1/backups", null).body()).get("backups")) {
            if (b.get("instanceId").asText().equals(id)) return b;
        }
        throw new AssertionError("the backup of " + id + " went away");
    }

    private JsonNode awaitServed(TestNode node, String function) throws InterruptedException {
        return TestNode.json(awaitAnswer(node, function).body());
    }

    /** Invokes until the node answers 200 without a function error (a node may refuse while leases settle). */
    private HttpResponse<String> awaitAnswer(TestNode node, String function) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        HttpResponse<String> r = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                r = node.invokeRaw(function, "{}");
                if (r.statusCode() == 200 && r.headers().firstValue("X-Amz-Function-Error").isEmpty()) return r;
            } catch (RuntimeException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no answer from " + function + " at " + node.endpoint() + ", last " + (r == null ? null : r.statusCode()
                + " " + r.body()) + "\nedge-a:\n" + nodes.a.childOutput() + "\nedge-b:\n" + nodes.b.childOutput());
    }
}
