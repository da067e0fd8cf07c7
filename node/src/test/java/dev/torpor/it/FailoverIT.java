package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node dies with its containers; its backup peer takes the function over from the last backup; the dead node,
 * started again, does not run a second copy but forwards to the peer, and becomes the function's backup node.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FailoverIT extends TwoNodeCase {
    @Override
    List<String> nodeArgs() {
        return List.of("--lease-ttl-ms", "1500");
    }

    @Test
    void thePeerServesFromTheLastBackupAndTheRestartedNodeForwardsToIt() throws Exception {
        int onB = failOverToBAndRestartA();

        HttpResponse<String> viaA = nodes.awaitAnswer(nodes.a, "counter");
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

        JsonNode first = nodes.awaitBackupAfter(nodes.a, id, 0);
        assertThat(first.get("owner").asText()).as("B backs counter up to A now").isEqualTo("edge-b");
        int count = nodes.awaitServed(nodes.a, "counter").get("count").asInt();
        // Two commits after that invocation: the later one was surely dumped after it.
        nodes.awaitBackupAfter(nodes.a, id, nodes.backupSeq(nodes.a, id) + 1);
        nodes.b.kill();
        TestNode.sweepContainers(nodes.b.data);

        HttpResponse<String> back = nodes.awaitAnswer(nodes.a, "counter");
        assertThat(back.headers().firstValue("X-Torpor-Served-By")).as("served by A itself").isEmpty();
        assertThat(TestNode.json(back.body()).get("count").asInt()).as("from B's last backup").isEqualTo(count + 1);
        assertThat(nodes.a.childOutput()).contains("taking it over at epoch 3");
    }

    /** Its lease, watched by B, does not move with it: moved anyway, B would take it over from its last backup meanwhile. */
    @Test
    void aBackedUpFunctionIsNotMovedAndKeepsServingWhereItIs() throws Exception {
        nodes.counterBackedUpOnB();
        String id = nodes.a.instanceOf("counter").get("instanceId").asText();
        var r = nodes.a.call("POST", "/torpor/v1/instances/" + id + "/migrate", "{\"target\":\"edge-b\"}");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("under a lease that does not move with it; it stays on edge-a");

        HttpResponse<String> onA = nodes.awaitAnswer(nodes.a, "counter");
        assertThat(onA.headers().firstValue("X-Torpor-Served-By")).as("served by A itself").isEmpty();
        assertThat(TestNode.json(onA.body()).get("count").asInt()).isEqualTo(TwoNodes.COUNT + 1);
        assertThat(nodes.a.instanceOf("counter").get("instanceId").asText()).isEqualTo(id);
        assertThat(nodes.b.instances()).isEmpty();
    }

    /** counter counts on A, backed up to B; A dies with its containers; B takes over and answers; A starts again. */
    private int failOverToBAndRestartA() throws Exception {
        nodes.counterBackedUpOnB();

        nodes.a.kill();
        TestNode.sweepContainers(nodes.a.data); // the device is gone, and its functions with it

        JsonNode onB = nodes.awaitServed(nodes.b, "counter");
        assertThat(onB.get("count").asInt()).as("state no older than the last backup").isGreaterThanOrEqualTo(TwoNodes.COUNT + 1);
        nodes.a.start();
        return onB.get("count").asInt();
    }
}
