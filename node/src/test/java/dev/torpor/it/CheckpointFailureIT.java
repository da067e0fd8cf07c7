package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An instance CRIU cannot dump (it holds a deleted 2 MiB file on its tmpfs, past CRIU's 1 MiB ghost-file limit) keeps
 * running with its state when a checkpoint fails, and says why.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CheckpointFailureIT extends RealNodeCase {
    private static final Map<String, String> UNDUMPABLE = Map.of("HOLD_UNLINKED_MB", "2");

    @Test
    void aFailedManualCheckpointAnswersCriusReasonAndLeavesTheInstanceIdleWithItsState() throws Exception {
        assertThat(node.createTestFunction("ghost", "probe", 30, UNDUMPABLE, Map.of("torpor:suspend", "none")).statusCode())
                .isEqualTo(201);
        assertThat(node.invoke("ghost", "{}").get("count").asInt()).isEqualTo(1);
        assertThat(node.invoke("ghost", "{}").get("count").asInt()).isEqualTo(2);
        String id = node.instanceOf("ghost").get("instanceId").asText();

        var cp = node.checkpoint(id);

        assertThat(cp.statusCode()).as(cp.body()).isEqualTo(500);
        assertThat(cp.headers().firstValue("X-Amzn-ErrorType")).hasValue("ServiceException");
        assertThat(TestNode.json(cp.body()).get("Message").asText()).contains("checkpoint of " + id + " failed").contains("ghost file");
        JsonNode after = node.instance(id);
        assertThat(after.get("state").asText()).isEqualTo("IDLE");
        assertThat(after.get("checkpoints").asInt()).isZero();
        assertThat(after.get("lastError").asText()).startsWith("checkpoint failed").contains("ghost file");
        assertThat(after.get("residentMemoryBytes").asLong()).isPositive();

        JsonNode third = node.invoke("ghost", "{\"n\":3}");
        assertThat(third.get("count").asInt()).isEqualTo(3);
        assertThat(third.get("echo").get("n").asInt()).isEqualTo(3);
        assertThat(node.instanceOf("ghost").get("instanceId").asText()).isEqualTo(id);
    }

    @Test
    void theIdlePolicyFallsBackToAPauseWhenTheCheckpointFails() throws Exception {
        assertThat(node.createTestFunction("ghost", "probe", 30, UNDUMPABLE,
                Map.of("torpor:suspend", "checkpoint", "torpor:idle-ms", "300")).statusCode()).isEqualTo(201);
        assertThat(node.invoke("ghost", "{}").get("count").asInt()).isEqualTo(1);
        String id = node.instanceOf("ghost").get("instanceId").asText();

        JsonNode paused = node.awaitState(id, "PAUSED", Duration.ofSeconds(60));

        assertThat(paused.get("history").toString()).contains("CHECKPOINTING");
        assertThat(paused.get("checkpoints").asInt()).isZero();
        assertThat(paused.get("lastError").asText()).startsWith("checkpoint failed").contains("ghost file");
        JsonNode second = node.invoke("ghost", "{\"n\":2}");
        assertThat(second.get("count").asInt()).isEqualTo(2);
        assertThat(second.get("echo").get("n").asInt()).isEqualTo(2);
        JsonNode resumed = node.instance(id);
        assertThat(resumed.get("history").toString()).contains("RESUMING");
        assertThat(resumed.get("invocations").asInt()).isEqualTo(2);
    }
}
