package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A long-running function checkpointed to disk and restored on its next event, on real runc and CRIU. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CheckpointRestoreIT extends RealNodeCase {
    @Test
    void pythonCounterSurvivesCheckpointAndRestoreInTheSameProcess() throws Exception {
        assertThat(node.create("counter", "counter-python", 128, Map.of("BALLAST_MB", "20"), Map.of("torpor:suspend", "none"))
                .statusCode()).isEqualTo(201);
        JsonNode first = node.invoke("counter", "{\"n\":1}");
        JsonNode second = node.invoke("counter", "{\"n\":2}");
        assertThat(second.get("count").asInt()).isEqualTo(first.get("count").asInt() + 1);

        String id = node.instanceOf("counter").get("instanceId").asText();
        assertThat(node.instanceOf("counter").get("residentMemoryBytes").asLong()).isGreaterThan(20L << 20);

        var cp = node.checkpoint(id);
        assertThat(cp.statusCode()).as(cp.body()).isEqualTo(200);
        JsonNode checkpointed = node.instanceOf("counter");
        assertThat(checkpointed.get("state").asText()).isEqualTo("CHECKPOINTED");
        assertThat(checkpointed.get("residentMemoryBytes").asLong()).isZero();
        assertThat(checkpointed.get("checkpointBytes").asLong()).isGreaterThan(20L << 20);
        assertThat(Files.exists(data.resolve("runtime/state").resolve(id))).as("runc state of a checkpointed instance").isFalse();
        assertThat(node.node().instances().residentBytes(id)).isZero();

        JsonNode third = node.invoke("counter", "{\"n\":3}");
        assertThat(third.get("count").asInt()).isEqualTo(second.get("count").asInt() + 1);
        assertThat(third.get("pid").asInt()).isEqualTo(first.get("pid").asInt());
        assertThat(third.get("echo").get("n").asInt()).isEqualTo(3);
        JsonNode restored = node.instanceOf("counter");
        assertThat(restored.get("instanceId").asText()).isEqualTo(id);
        assertThat(restored.get("restores").asInt()).isEqualTo(1);
        assertThat(restored.get("checkpoints").asInt()).isEqualTo(1);
    }

    @Test
    void whatAFunctionPrintsIsItsLogBeforeAndAfterARestore() throws Exception {
        assertThat(node.createTestFunction("printer", "probe", 30, Map.of(), Map.of("torpor:suspend", "none")).statusCode())
                .isEqualTo(201);
        for (int n = 1; n <= 5; n++) {
            assertThat(node.invoke("printer", "{}").get("count").asInt()).as("count of event %d", n).isEqualTo(n);
        }
        String id = node.instanceOf("printer").get("instanceId").asText();
        var cp = node.checkpoint(id);
        assertThat(cp.statusCode()).as(cp.body()).isEqualTo(200);
        for (int n = 6; n <= 10; n++) {
            assertThat(node.invoke("printer", "{}").get("count").asInt()).as("count of event %d", n).isEqualTo(n);
        }

        node.awaitLog(id, IntStream.rangeClosed(1, 10).mapToObj(n -> "event " + n).toArray(String[]::new));
        assertThat(node.instance(id).get("restores").asInt()).isEqualTo(1);
    }

    @Test
    void aCheckpointAskedForRightAfterAnAnswerWaitsForTheFunctionToAskForItsNextEvent() throws Exception {
        assertThat(node.createTestFunction("slow", "probe", 30, Map.of(), Map.of("torpor:suspend", "none")).statusCode())
                .isEqualTo(201);
        // Answered at once, but the function is BUSY for another second before it asks for its next event.
        assertThat(node.invoke("slow", "{\"linger\":1}").get("count").asInt()).isEqualTo(1);
        String id = node.instanceOf("slow").get("instanceId").asText();

        var cp = node.checkpoint(id);

        assertThat(cp.statusCode()).as(cp.body()).isEqualTo(200);
        assertThat(TestNode.json(cp.body()).get("state").asText()).isEqualTo("CHECKPOINTED");
        assertThat(node.invoke("slow", "{}").get("count").asInt()).isEqualTo(2);
    }
}
