package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A function with a backup policy is not moved: its lease, watched by the backup node, does not move with it, and
 * moved anyway the backup node would take it over from its last backup meanwhile. Refused before anything is frozen.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BackedUpMigrationIT extends TwoNodeTest {
    @Override
    List<String> nodeArgs() {
        return List.of("--lease-ttl-ms", "1500");
    }

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
}
