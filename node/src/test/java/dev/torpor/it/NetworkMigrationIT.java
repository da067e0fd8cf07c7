package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An {@code outbound} function moved to another node: it gets that node's address, its connection to a server
 * outside ({@link Outside}) is closed (it sees an error, not a hang), and it reconnects and goes on, its own state and
 * its loopback connection to the relay intact.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class NetworkMigrationIT extends TwoNodeCase {
    private static final Duration SETTLE = Duration.ofMinutes(2);

    @RegisterExtension
    final Outside outside = new Outside();

    /** Stopped, not killed (before the nodes are closed): a node that stops removes its bridge and rules. */
    @AfterEach
    void stopNodesGracefully() throws Exception {
        if (nodes == null) return;
        nodes.a.stop();
        nodes.b.stop();
    }

    @Test
    void aRunningFunctionMovedGetsTheTargetsAddressSeesItsConnectionClosedAndReconnects() throws Exception {
        moveAndReconnect(false);
    }

    @Test
    void aCheckpointedFunctionMovedToo() throws Exception {
        moveAndReconnect(true);
    }

    private void moveAndReconnect(boolean checkpointFirst) throws Exception {
        TestNode a = nodes.a;
        TestNode b = nodes.b;
        var r = a.createTestFunction("out", "net", 30, Map.of(), Map.of("torpor:network", "outbound", "torpor:suspend", "none"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(a.invoke("out", open()).get("open").asText()).isEqualTo("ok");
        int connection = Integer.parseInt(a.invoke("out", say("here")).get("say").asText().split(":")[0]);
        JsonNode before = a.instanceOf("out");
        String id = before.get("instanceId").asText();
        if (checkpointFirst) {
            assertThat(a.checkpoint(id).statusCode()).isEqualTo(200);
            a.awaitState(id, "CHECKPOINTED", SETTLE);
        }

        var moved = a.call("POST", "/torpor/v1/instances/" + id + "/migrate", "{\"target\":\"edge-b\"}");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);

        JsonNode answer = b.invoke("out", say("there"));
        assertThat(answer.get("say").asText()).as("the old connection is closed").isIn("ECONNABORTED", "ECONNRESET", "EPIPE", "EOF");
        assertThat(b.instanceOf("out").get("address").asText()).as("the target's own address")
                .isNotEqualTo(before.get("address").asText());
        assertThat(b.invoke("out", open()).get("open").asText()).isEqualTo("ok");
        JsonNode again = b.invoke("out", say("there"));
        assertThat(again.get("say").asText()).as("a new connection").isEqualTo((connection + 1) + ":there");
        assertThat(again.get("count").asInt()).as("the same process, its state kept").isEqualTo(5);
        assertThat(a.addressReservations()).as("the source gave its address back").isEmpty();
    }

    private String open() {
        return "{\"try\":\"open\",\"host\":\"" + outside.address + "\",\"port\":" + Outside.LINES_PORT + "}";
    }

    private static String say(String line) {
        return "{\"try\":\"say\",\"line\":\"" + line + "\"}";
    }
}
