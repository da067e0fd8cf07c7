package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real images this node must not restore, refused before CRIU runs, saying why, and kept: one whose manifest says
 * another architecture, one recording a CPU with features this one lacks. One recording a CPU with fewer features
 * passes a real {@code criu cpuinfo check} and restores.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CompatibilityIT extends RealNodeCase {
    private static final String CPU_INFO = "cpuinfo.img";

    @Test
    void anImageOfAnotherArchitectureOrOfACpuWithMoreFeaturesIsRefusedSayingWhyAndKept() throws Exception {
        String id = checkpointedAfterTwoEvents();
        Path image = imageOf(id);
        Path manifest = image.resolve("manifest.json");
        String original = Files.readString(manifest);
        String arch = System.getProperty("os.arch");
        Files.writeString(manifest, original.replace('"' + arch + '"', "\"riscv64\""));

        assertRefused(id, "architecture: image riscv64, this node " + arch);

        Files.writeString(manifest, original);
        byte[] cpu = Files.readAllBytes(image.resolve(CPU_INFO));
        asIfDumpedOn(image, withCapabilities(cpu, b -> (b & 0x80) != 0 ? b | 0x7f : b));

        assertRefused(id, "CPU features");
        assertThat(node.instance(id).get("lastError").asText()).as("CRIU's words").contains("capabilities do not match");

        asIfDumpedOn(image, cpu);
        assertThat(node.invoke("probe", "{}").get("count").asInt()).as("the kept image restores once it can").isEqualTo(3);
    }

    @Test
    void anImageOfACpuWithFewerFeaturesPassesCriusCheckAndRestores() throws Exception {
        String id = checkpointedAfterTwoEvents();
        Path cpu = imageOf(id).resolve(CPU_INFO);
        byte[] mine = Files.readAllBytes(cpu);
        byte[] fewer = withCapabilities(mine, b -> b & ~1); // a bit less in each word: the same length
        assertThat(fewer).as("another CPU's description, so CRIU is asked").isNotEqualTo(mine);
        asIfDumpedOn(cpu.getParent(), fewer);

        assertThat(node.invoke("probe", "{}").get("count").asInt()).isEqualTo(3);
        assertThat(node.instance(id).get("restores").asInt()).isEqualTo(1);
    }

    private String checkpointedAfterTwoEvents() {
        assertThat(node.createTestFunction("probe", "probe", 30, Map.of(), Map.of("torpor:suspend", "none")).statusCode())
                .isEqualTo(201);
        assertThat(node.invoke("probe", "{}").get("count").asInt()).isEqualTo(1);
        assertThat(node.invoke("probe", "{}").get("count").asInt()).isEqualTo(2);
        String id = node.instanceOf("probe").get("instanceId").asText();
        var cp = node.checkpoint(id);
        assertThat(cp.statusCode()).as(cp.body()).isEqualTo(200);
        return id;
    }

    /** The instance's complete image: the one directory of its images with a manifest. */
    private Path imageOf(String id) throws IOException {
        try (Stream<Path> dirs = Files.list(data.resolve("checkpoints").resolve(id))) {
            Path image = dirs.filter(d -> Files.exists(d.resolve("manifest.json"))).findFirst().orElseThrow();
            assertThat(image.resolve(CPU_INFO)).as("the CPU it was dumped on").exists();
            return image;
        }
    }

    private void assertRefused(String id, String why) throws IOException {
        HttpResponse<String> r = node.invokeRaw("probe", "{}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(TestNode.json(r.body()).get("Message").asText()).contains(why);
        JsonNode after = node.instance(id);
        assertThat(after.get("state").asText()).isEqualTo("CHECKPOINTED");
        assertThat(after.get("lastError").asText()).startsWith("restore refused").contains(why);
        assertThat(after.get("restores").asInt()).isZero();
        assertThat(imageOf(id)).as("the image is kept").exists();
    }

    /**
     * Makes the image one dumped on the CPU {@code cpuinfo} describes: the file and, as the dump would have taken it,
     * its CRC32C in the manifest (else the image is rightly refused as damaged).
     */
    private static void asIfDumpedOn(Path image, byte[] cpuinfo) throws IOException {
        Files.write(image.resolve(CPU_INFO), cpuinfo);
        CRC32C crc = new CRC32C();
        crc.update(cpuinfo);
        Path manifest = image.resolve("manifest.json");
        ObjectNode m = (ObjectNode) TestNode.JSON.readTree(manifest.toFile());
        for (JsonNode f : m.get("files")) {
            if (f.get("name").asText().equals(CPU_INFO)) ((ObjectNode) f).put("crc32c", crc.getValue());
        }
        TestNode.JSON.writeValue(manifest.toFile(), m);
    }

    /**
     * {@code cpuinfo.img} with every byte of its x86 capability words (CpuinfoX86Entry field 6, varints) changed by
     * {@code change}, which must keep a byte's continuation bit so that no length changes: two magics, then
     * entries of a 4-byte length and a CpuinfoEntry whose field 1 holds the x86 entry.
     */
    private static byte[] withCapabilities(byte[] cpuinfo, IntUnaryOperator change) {
        byte[] out = cpuinfo.clone();
        int[] at = {8 + 4};
        while (at[0] < out.length) {
            int tag = varint(out, at);
            int field = tag >>> 3;
            switch (tag & 7) {
                case 0 -> {
                    int start = at[0];
                    varint(out, at);
                    if (field == 6) for (int i = start; i < at[0]; i++) out[i] = (byte) change.applyAsInt(out[i] & 0xff);
                }
                case 2 -> {
                    int length = varint(out, at);
                    if (field != 1) at[0] += length; // field 1 of the top entry is the x86 entry: read into it
                }
                case 5 -> at[0] += 4;
                case 1 -> at[0] += 8;
                default -> throw new IllegalStateException("unexpected wire type in " + CPU_INFO);
            }
        }
        return out;
    }

    private static int varint(byte[] b, int[] at) {
        int value = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b[at[0]++] & 0xff;
            value |= (x & 0x7f) << shift;
            if ((x & 0x80) == 0) return value;
        }
    }
}
