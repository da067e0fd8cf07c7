package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bash example (bash and curl on the Runtime API) counts on, and the idle policies pause it or leave it be. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BashAndPauseIT extends RealNodeCase {

    @Test
    void theBashCounterKeepsCountingAndPolicyNoneLeavesItIdle() throws Exception {
        assertThat(node.create("bash", "counter-bash", 128, Map.of(),
                Map.of("torpor:suspend", "none", "torpor:idle-ms", "300")).statusCode()).isEqualTo(201);
        JsonNode first = node.invoke("bash", "{\"n\":1}");
        for (int n = 2; n <= 3; n++) {
            JsonNode answer = node.invoke("bash", "{\"n\":" + n + "}");
            assertThat(answer.get("count").asInt()).isEqualTo(n);
            assertThat(answer.get("echo").get("n").asInt()).isEqualTo(n);
            assertThat(answer.get("pid").asInt()).isEqualTo(first.get("pid").asInt());
        }
        String id = node.instanceOf("bash").get("instanceId").asText();

        node.awaitState(id, "IDLE", Duration.ofSeconds(10)); // BUSY until bash's curl asks for the next event
        // A witness under policy pause with the same idle time, idle since after the counter: the node's idle timers
        // fire in order, so once the witness is paused, a suspension of the counter would have begun.
        assertThat(node.create("witness", "counter-bash", 128, Map.of(),
                Map.of("torpor:suspend", "pause", "torpor:idle-ms", "300")).statusCode()).isEqualTo(201);
        node.invoke("witness", "{\"n\":1}");
        node.awaitState(node.instanceOf("witness").get("instanceId").asText(), "PAUSED", Duration.ofSeconds(30));
        JsonNode idle = node.instance(id);
        assertThat(idle.get("state").asText()).isEqualTo("IDLE");
        assertThat(idle.get("history").toString()).doesNotContain("PAUSING", "CHECKPOINTING");
        assertThat(node.containerState(id)).isEqualTo("running");
    }

    @Test
    void withPolicyPauseAnIdleInstanceIsFrozenAndTheNextEventResumesIt() throws Exception {
        assertThat(node.create("bash", "counter-bash", 128, Map.of(),
                Map.of("torpor:suspend", "pause", "torpor:idle-ms", "300")).statusCode()).isEqualTo(201);
        JsonNode first = node.invoke("bash", "{\"n\":1}");
        String id = node.instanceOf("bash").get("instanceId").asText();

        JsonNode paused = node.awaitState(id, "PAUSED", Duration.ofSeconds(30));
        assertThat(node.containerState(id)).isEqualTo("paused");
        assertThat(paused.get("residentMemoryBytes").asLong()).as("a paused instance keeps its memory").isPositive();

        JsonNode second = node.invoke("bash", "{\"n\":2}");
        assertThat(second.get("count").asInt()).isEqualTo(2);
        assertThat(second.get("echo").get("n").asInt()).isEqualTo(2);
        assertThat(second.get("pid").asInt()).isEqualTo(first.get("pid").asInt());
        JsonNode resumed = node.instance(id);
        assertThat(resumed.get("history").toString()).contains("\"PAUSED\",\"RESUMING\",\"IDLE\",\"BUSY\"");
        assertThat(resumed.get("checkpoints").asInt()).isZero();
        node.awaitState(id, "PAUSED", Duration.ofSeconds(30));
    }
}
