package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.testing.Await;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Post-copy between two real nodes: the target restores from the eager pages alone and pulls the rest from the
 * source's CRIU image through our page server, while the function already answers.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PostCopyIT extends TwoNodeCase {

    @Test
    void aBigFunctionIsFrozenFarShorterByPostCopyThanByStopAndCopy() throws Exception {
        var r = nodes.a.create("big", "counter-python", 300, Map.of("BALLAST_MB", "200", "BALLAST_RANDOM", "1"), Map.of("torpor:suspend", "none"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(nodes.a.invoke("big", "{}").get("count").asInt()).isEqualTo(1);
        JsonNode before = nodes.a.invoke("big", "{}");
        String id = nodes.a.instanceOf("big").get("instanceId").asText();

        JsonNode stopAndCopy = migrate(nodes.a, id, "edge-b", "stop-and-copy");
        assertThat(nodes.a.invoke("big", "{}").get("count").asInt()).as("forwarded to edge-b").isEqualTo(3);

        JsonNode postCopy = migrate(nodes.b, id, "edge-a", "post-copy");
        assertThat(postCopy.get("mode").asText()).isEqualTo("post-copy");
        JsonNode after = nodes.a.invoke("big", "{}");
        assertThat(after.get("count").asInt()).as("the counter went on").isEqualTo(4);
        assertThat(after.get("pid").asInt()).as("the same process").isEqualTo(before.get("pid").asInt());
        assertThat(after.get("ballastMB").asInt()).isEqualTo(200);
        assertThat(nodes.b.instances()).as("edge-b let go once every page had arrived").isEmpty();
        assertThat(nodes.a.instanceOf("big").get("residentMemoryBytes").asLong()).as("the pages came over").isGreaterThan(200L << 20);

        long stopped = stopAndCopy.get("frozenMillis").asLong();
        long posted = postCopy.get("frozenMillis").asLong();
        System.out.printf("200 MB function: frozen %d ms by stop-and-copy (%d ms in all), %d ms by post-copy (%d ms in all)%n",
                stopped, stopAndCopy.get("totalMillis").asLong(), posted, postCopy.get("totalMillis").asLong());
        assertThat(posted).as("post-copy froze %d ms, stop-and-copy %d ms", posted, stopped).isLessThan(stopped * 3 / 4);
    }

    @Test
    void aTargetLostWhilePagesArriveLeavesTheFunctionOnTheSource() throws Exception {
        var r = nodes.a.create("big", "counter-python", 300, Map.of("BALLAST_MB", "200", "BALLAST_RANDOM", "1"), Map.of("torpor:suspend", "none"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        nodes.a.invoke("big", "{}");
        int pid = nodes.a.invoke("big", "{}").get("pid").asInt();
        String id = nodes.a.instanceOf("big").get("instanceId").asText();

        var move = CompletableFuture.supplyAsync(() -> nodes.a.call("POST", "/torpor/v1/instances/" + id + "/migrate",
                "{\"target\":\"edge-b\",\"mode\":\"post-copy\"}"));
        Await.until("edge-b restored it", () -> {
            if (restoredOn(nodes.b)) return true;
            assertThat(move).as("the move ended before edge-b restored it").isNotDone();
            return false;
        }, Duration.ofSeconds(60));
        nodes.b.kill(); // its pages are still arriving

        var failed = move.get(60, TimeUnit.SECONDS);
        assertThat(failed.statusCode()).isEqualTo(500);
        // Almost always while pages arrive; if edge-b died between its restore and its answer, the move failed before it.
        assertThat(failed.body()).containsAnyOf("runs on edge-a again", "stays on edge-a");
        JsonNode back = nodes.a.invoke("big", "{}");
        assertThat(back.get("count").asInt()).as("the state it left with").isEqualTo(3);
        assertThat(back.get("pid").asInt()).isEqualTo(pid);
    }

    private static boolean restoredOn(TestNode node) {
        for (JsonNode i : node.instances()) if (i.get("state").asText().equals("IDLE")) return true;
        return false;
    }

    private static JsonNode migrate(TestNode from, String id, String to, String mode) {
        var r = from.call("POST", "/torpor/v1/instances/" + id + "/migrate", "{\"target\":\"" + to + "\",\"mode\":\"" + mode + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestNode.json(r.body());
    }
}
