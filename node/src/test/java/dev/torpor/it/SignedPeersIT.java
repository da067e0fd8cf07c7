package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes that check signatures talk to each other with their shared key: a backup (its chunks streamed unsigned,
 * their path and key signed), a post-copy migration (pages pulled from the source), and an invocation forwarded to
 * where the function moved, all between nodes that refuse unsigned requests.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SignedPeersIT extends TwoNodeCase {
    @Override
    List<String> nodeArgs() {
        Path credentials = root.resolve("credentials");
        try {
            Files.writeString(credentials, "[default]\naws_access_key_id = AKIDFLEET\naws_secret_access_key = fleet-secret\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of("--credentials", credentials.toString());
    }

    @Test
    void signedNodesBackUpMigrateAndForwardBetweenThemselves() {
        nodes.counterBackedUpOnB();

        var created = nodes.a.create("mover", "counter-python", 128, Map.of("BALLAST_MB", "20"), Map.of("torpor:suspend", "none"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(nodes.a.invoke("mover", "{}").get("count").asInt()).isEqualTo(1);
        String id = nodes.a.instanceOf("mover").get("instanceId").asText();
        var moved = nodes.a.call("POST", "/torpor/v1/instances/" + id + "/migrate", "{\"target\":\"edge-b\",\"mode\":\"post-copy\"}");
        assertThat(moved.statusCode()).as(moved.body() + nodes.outputs()).isEqualTo(200);

        JsonNode viaSource = nodes.a.invoke("mover", "{}");
        assertThat(viaSource.get("count").asInt()).as("forwarded to edge-b, state intact").isEqualTo(2);
        assertThat(nodes.b.invoke("mover", "{}").get("count").asInt()).isEqualTo(3);

        var unsigned = java.net.http.HttpClient.newHttpClient();
        try (unsigned) {
            var r = unsigned.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(nodes.b.endpoint() + "/torpor/v1/backups")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("the same endpoint, unsigned").isEqualTo(403);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
