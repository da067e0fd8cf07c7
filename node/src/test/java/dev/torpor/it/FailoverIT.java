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
 * started again, does not run a second copy but forwards to the peer.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FailoverIT extends TwoNodeTest {
    @Override
    List<String> nodeArgs() {
        return List.of("--lease-ttl-ms", "1500");
    }

    @Test
    void thePeerServesFromTheLastBackupAndTheRestartedNodeForwardsToIt() throws Exception {
        nodes.counterBackedUpOnB();

        nodes.a.kill();
        TestNode.sweepContainers(nodes.a.data); // the device is gone, and its functions with it

        JsonNode onB = nodes.awaitServed(nodes.b, "counter");
        assertThat(onB.get("count").asInt()).as("state no older than the last backup").isGreaterThanOrEqualTo(TwoNodes.COUNT + 1);

        nodes.a.start();
        HttpResponse<String> viaA = nodes.awaitAnswer(nodes.a, "counter");
        assertThat(viaA.headers().firstValue("X-Torpor-Served-By")).as("A forwards to B").contains("edge-b");
        assertThat(TestNode.json(viaA.body()).get("count").asInt()).as("and B's count goes on").isEqualTo(onB.get("count").asInt() + 1);
        for (JsonNode i : nodes.a.instances()) {
            assertThat(i.get("function").asText()).as("no copy of counter on A: %s", i).isNotEqualTo("counter");
        }
        assertThat(nodes.a.childOutput()).contains("edge-b took over counter");
    }
}
