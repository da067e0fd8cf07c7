package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.testing.Await;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One copy serves, whichever node of a post-copy is killed (kill -9) while the pages are still arriving and started
 * again: the counter carries on from exactly one copy, nothing of the move is left behind, and the next move works.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PostCopyFaultsIT extends TwoNodeCase {
    private static final Duration LONG = Duration.ofMinutes(3);

    @Test
    void aTargetKilledMidPostCopyDiscardsItsPartialCopyAndTheSourceRunsOn() throws Exception {
        String id = bigCounterAtTwo();
        CompletableFuture<HttpResponse<String>> move = postCopyToB(id);
        awaitRestoredOnB(move);
        nodes.b.kill(); // its pages are still arriving
        nodes.b.start();

        assertThat(move.get(3, TimeUnit.MINUTES).statusCode()).as("the move failed").isEqualTo(500);
        assertThat(Leftovers.lazyPagesDaemons(nodes.b.data)).as("no criu lazy-pages of edge-b's first run").isEmpty();
        assertThat(Leftovers.criuRootMounts(nodes.b.data)).isEmpty();
        assertThat(nodes.b.instances()).as("edge-b neither kept nor checkpointed its partial copy").isEmpty();
        assertThat(TestNode.containers(nodes.b.data)).isEmpty();

        assertCountsOnFromOneCopy(3);
        moveToBAndCount(id, 5);
    }

    @Test
    void aSourceKilledMidPostCopyRunsItAgainFromItsImageAndNoNodeForwardsInCircles() throws Exception {
        String id = bigCounterAtTwo();
        CompletableFuture<HttpResponse<String>> move = postCopyToB(id);
        awaitRestoredOnB(move);
        nodes.a.kill(); // the pages edge-b still needs die with it

        Await.until("edge-b dropped the copy it could not fill", () -> nodes.b.instances().isEmpty(), LONG);
        assertThat(TestNode.containers(nodes.b.data)).isEmpty();
        nodes.a.start();

        assertCountsOnFromOneCopy(3);
        moveToBAndCount(id, 5);
    }

    /**
     * "big" on edge-a, 64 MB of random memory (its pages take seconds to pull), invoked twice; its instance id. The
     * first invocation is tried until the function starts within the node's init timeout on a loaded machine.
     */
    private String bigCounterAtTwo() {
        var r = nodes.a.create("big", "counter-python", 300, Map.of("BALLAST_MB", "64", "BALLAST_RANDOM", "1"),
                Map.of("torpor:suspend", "none"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(nodes.awaitServed(nodes.a, "big").get("count").asInt()).isEqualTo(1);
        assertThat(nodes.a.invoke("big", "{}").get("count").asInt()).isEqualTo(2);
        return nodes.a.instanceOf("big").get("instanceId").asText();
    }

    private CompletableFuture<HttpResponse<String>> postCopyToB(String id) {
        return CompletableFuture.supplyAsync(() -> nodes.a.call("POST", "/torpor/v1/instances/" + id + "/migrate",
                "{\"target\":\"edge-b\",\"mode\":\"post-copy\"}"));
    }

    private void awaitRestoredOnB(CompletableFuture<HttpResponse<String>> move) {
        Await.until("edge-b restored it", () -> {
            for (JsonNode i : nodes.b.instances()) if (i.get("state").asText().equals("IDLE")) return true;
            assertThat(move).as("the move ended before edge-b restored it").isNotDone();
            return false;
        }, LONG);
    }

    /** Through either node the counter goes on from {@code next}, each answer from edge-a, one after the other. */
    private void assertCountsOnFromOneCopy(int next) {
        HttpResponse<String> viaA = nodes.awaitAnswer(nodes.a, "big");
        assertThat(TestNode.json(viaA.body()).get("count").asInt()).as("the state it left with").isEqualTo(next);
        assertThat(viaA.headers().firstValue("X-Torpor-Served-By")).as("served by edge-a itself").isEmpty();
        HttpResponse<String> viaB = nodes.awaitAnswer(nodes.b, "big");
        assertThat(TestNode.json(viaB.body()).get("count").asInt()).as("edge-b forwards to the one copy").isEqualTo(next + 1);
        assertThat(viaB.headers().firstValue("X-Torpor-Served-By")).hasValue("edge-a");
    }

    /** A later move of the same instance to edge-b is not blocked by anything the killed one left; the count goes on. */
    private void moveToBAndCount(String id, int next) {
        var moved = nodes.a.call("POST", "/torpor/v1/instances/" + id + "/migrate", "{\"target\":\"edge-b\",\"mode\":\"post-copy\"}");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        assertThat(nodes.b.invoke("big", "{}").get("count").asInt()).isEqualTo(next);
        HttpResponse<String> viaA = nodes.a.invokeRaw("big", "{}");
        assertThat(TestNode.json(viaA.body()).get("count").asInt()).isEqualTo(next + 1);
        assertThat(viaA.headers().firstValue("X-Torpor-Served-By")).hasValue("edge-b");
    }
}
