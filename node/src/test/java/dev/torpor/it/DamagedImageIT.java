package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A damaged checkpoint image, on a real node: refused before CRIU reads it, moved into quarantine with its memory
 * reservation released, and never a reason for the node to stop serving its other functions.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DamagedImageIT extends RealNodeCase {
    private static final long MIB = 1 << 20;

    @Test
    void aFlippedByteInAPagesFileIsRefusedQuarantinedAndTheNodeServesOn() throws Exception {
        String damaged = countedTwice("counter");
        countedTwice("other");
        var cp = node.checkpoint(damaged);
        assertThat(cp.statusCode()).as(cp.body()).isEqualTo(200);
        String pages = flipOneByteOfTheLargestPagesFile(damaged);

        var refused = node.invokeRaw("counter", "{}");

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(TestNode.json(refused.body()).get("Message").asText()).contains("damaged").contains(pages).contains("CRC32C");
        assertReported(damaged, "restore refused");
        JsonNode info = TestNode.json(node.call("GET", "/torpor/v1/node", null).body());
        assertThat(info.get("memoryReservedBytes").asLong()).as("only the other function's reservation").isEqualTo(128 * MIB);
        assertThat(node.invoke("other", "{}").get("count").asInt()).isEqualTo(3);
    }

    @Test
    void aGarbledManifestDoesNotStopTheNodeFromStartingAndIsReported() throws Exception {
        String damaged = countedTwice("counter");
        countedTwice("other");
        node.stop(); // checkpoints both
        Files.writeString(imageDir(damaged).resolve("manifest.json"), "{\"formatVersion\": 1, \"files\": [{\"na");

        node.start();

        assertThat(node.invoke("other", "{}").get("count").asInt()).as("state intact").isEqualTo(3);
        assertReported(damaged, "recovery refused");
        assertThat(node.invoke("counter", "{}").get("count").asInt()).as("the damaged function starts afresh").isEqualTo(1);
    }

    /** The instance listed FAILED saying why and where its image went, the image kept there, and counted. */
    private void assertReported(String id, String why) throws Exception {
        JsonNode failed = node.instance(id);
        assertThat(failed.get("state").asText()).as("%s", failed).isEqualTo("FAILED");
        assertThat(failed.get("lastError").asText()).startsWith(why).contains("quarantined");
        try (Stream<Path> kept = Files.list(data.resolve("checkpoints").resolve("quarantine"))) {
            assertThat(kept).singleElement().satisfies(p -> {
                assertThat(p.getFileName().toString()).startsWith(id + "-");
                assertThat(failed.get("lastError").asText()).contains(p.toString());
            });
        }
        assertThat(node.call("GET", "/metrics", null).body()).contains("torpor_images_quarantined_total 1.0");
    }

    /** A probe function (a counter) invoked twice and never suspended by its policy; its instance id. */
    private String countedTwice(String name) {
        var created = node.createTestFunction(name, "probe", 30, Map.of(), Map.of("torpor:suspend", "none"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        node.invoke(name, "{}");
        assertThat(node.invoke(name, "{}").get("count").asInt()).isEqualTo(2);
        return node.instanceOf(name).get("instanceId").asText();
    }

    private Path imageDir(String id) throws Exception {
        try (Stream<Path> images = Files.list(data.resolve("checkpoints").resolve(id))) {
            return images.filter(d -> Files.exists(d.resolve("manifest.json"))).findFirst().orElseThrow();
        }
    }

    private String flipOneByteOfTheLargestPagesFile(String id) throws Exception {
        Path file;
        try (Stream<Path> files = Files.list(imageDir(id))) {
            file = files.filter(f -> f.getFileName().toString().matches("pages-\\d+\\.img"))
                    .max(Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
        return file.getFileName().toString();
    }
}
