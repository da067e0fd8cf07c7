package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A node started again on the same data, after a graceful stop or a kill -9, carries on with its functions' state. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RestartIT extends RestartableNodeCase {
    /** With "linger" the function asks for its next event a second after its answer: it is BUSY when the node stops. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"n\":2}", "{\"n\":2,\"linger\":1}"})
    void afterAGracefulStopTheInstanceIsCheckpointedAndContinuesItsCount(String secondEvent) throws Exception {
        node = new TestNode(data, BUDGET);
        String id = deployAndInvokeTwice(secondEvent);

        node.stop();
        assertThat(node.containers()).as("containers after a graceful stop").doesNotContain(id);
        node.start();

        assertListed();
        JsonNode waiting = node.instance(id);
        assertThat(waiting.get("state").asText()).isEqualTo("CHECKPOINTED");
        assertThat(waiting.get("checkpoints").asInt()).isEqualTo(1);
        assertContinues(id);
    }

    @Test
    void sigtermStopsAChildNodeGracefully() throws Exception {
        node = TestNode.inChildJvm(data, BUDGET);
        String id = deployAndInvokeTwice("{\"n\":2}");

        node.stop();
        assertThat(node.containers()).as("containers after SIGTERM\n%s", node.childOutput()).doesNotContain(id);
        node.start();

        assertThat(node.instance(id).get("state").asText()).isEqualTo("CHECKPOINTED");
        assertContinues(id);
    }

    @Test
    void afterKill9ARunningInstanceIsTakenBackAndContinuesItsCount() throws Exception {
        node = TestNode.inChildJvm(data, BUDGET);
        String id = deployAndInvokeTwice("{\"n\":2}");
        node.awaitState(id, "IDLE", Duration.ofSeconds(10));

        node.kill();
        assertThat(node.containers()).as("the function keeps running without its node").contains(id);
        node.start();

        assertListed();
        JsonNode takenBack = node.instance(id);
        assertThat(takenBack.get("state").asText()).as("%s\n%s", takenBack, node.childOutput()).isEqualTo("CHECKPOINTED");
        assertThat(takenBack.get("checkpoints").asInt()).isEqualTo(1);
        assertThat(node.containers()).doesNotContain(id);
        assertContinues(id);
    }

    @Test
    void afterKill9ACheckpointedInstanceIsRestoredOnItsNextEvent() throws Exception {
        node = TestNode.inChildJvm(data, BUDGET);
        String id = deployAndInvokeTwice("{\"n\":2}");
        var cp = node.checkpoint(id);
        assertThat(cp.statusCode()).as(cp.body()).isEqualTo(200);

        node.kill();
        node.start();

        assertListed();
        JsonNode waiting = node.instance(id);
        assertThat(waiting.get("state").asText()).as("%s\n%s", waiting, node.childOutput()).isEqualTo("CHECKPOINTED");
        assertThat(waiting.get("checkpointBytes").asLong()).isPositive();
        assertContinues(id);
    }

    /**
     * The probe (a python counter that prints a line per event), never suspended by its policy: only the stop or the
     * test checkpoints it.
     */
    private String deployAndInvokeTwice(String secondEvent) {
        var created = node.createTestFunction("counter", "probe", 30, Map.of(), Map.of("torpor:suspend", "none"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(node.invoke("counter", "{\"n\":1}").get("count").asInt()).isEqualTo(1);
        assertThat(node.invoke("counter", secondEvent).get("count").asInt()).isEqualTo(2);
        return node.instanceOf("counter").get("instanceId").asText();
    }

    private void assertListed() {
        var list = node.call("GET", "/2015-03-31/functions", null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(TestNode.json(list.body()).get("Functions").findValuesAsText("FunctionName")).containsExactly("counter");
    }

    /** The third event is counted on from the first two by the instance restored once, and its output is logged again. */
    private void assertContinues(String id) throws InterruptedException {
        JsonNode third = node.invoke("counter", "{\"n\":3}");
        assertThat(third.get("count").asInt()).as("count after the restart\n%s", node.childOutput()).isEqualTo(3);
        assertThat(third.get("echo").get("n").asInt()).isEqualTo(3);
        JsonNode restored = node.instance(id);
        assertThat(restored.get("restores").asInt()).isEqualTo(1);
        assertThat(restored.get("invocations").asInt()).isEqualTo(3);
        node.awaitLog(id, "event 1", "event 3");
    }
}
