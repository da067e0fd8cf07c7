package dev.torpor.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.runtime.ContainerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BundleWriterTest {
    private static final long MEMORY = 192L * 1024 * 1024;
    private static final Path ROOTFS = Path.of("/var/lib/torpor/rootfs");
    private static final Path NETNS = Path.of("/var/run/netns/torpor-fn-1");
    private static final String CGROUP = "/torpor/node-a/fn-1";
    /** What {@link Rootfs} binds on a merged-/usr host: /bin, /lib and /lib64 are symlinks inside the rootfs. */
    private static final List<Path> HOST_DIRS = List.of(Path.of("/usr"), Path.of("/etc"), Path.of("/lib32"));

    private static final ContainerSpec SPEC = new ContainerSpec("fn-1", Path.of("/var/lib/torpor/code/fn/1"),
            Path.of("/var/lib/torpor/instances/fn-1/channel"), List.of("/var/task/bootstrap", "--flag"),
            Map.of("AWS_LAMBDA_FUNCTION_NAME", "fn", "GREETING", "hello world"), MEMORY);

    private final JsonNode config = new ObjectMapper().valueToTree(BundleWriter.config(SPEC, ROOTFS, HOST_DIRS, NETNS, CGROUP));

    @Test
    void joinsTheNetworkNamespaceTheNodeMade() {
        JsonNode network = only(config.path("linux").path("namespaces"), "type", "network");

        assertThat(network.path("path").asText()).isEqualTo(NETNS.toString());
    }

    @Test
    void bindsExactlyTheHostDirectoriesTheCodeAndTheChannel() {
        List<String> bindDestinations = stream(config.path("mounts"))
                .filter(m -> m.path("type").asText().equals("bind"))
                .map(m -> m.path("destination").asText()).toList();

        assertThat(bindDestinations).containsExactlyInAnyOrder("/usr", "/etc", "/lib32", "/var/task", "/run/torpor");
        assertThat(bindDestinations).doesNotContain("/bin", "/lib", "/lib64");
    }

    @Test
    void codeIsReadOnlyAndTheChannelWritable() {
        JsonNode code = only(config.path("mounts"), "destination", ContainerSpec.CODE_MOUNT);
        JsonNode channel = only(config.path("mounts"), "destination", ContainerSpec.CHANNEL_MOUNT);

        assertThat(code.path("source").asText()).isEqualTo(SPEC.codeDir().toString());
        assertThat(texts(code.path("options"))).contains("ro").doesNotContain("rw");
        assertThat(channel.path("source").asText()).isEqualTo(SPEC.channelDir().toString());
        assertThat(texts(channel.path("options"))).contains("rw").doesNotContain("ro");
        assertThat(texts(only(config.path("mounts"), "destination", "/usr").path("options"))).contains("ro");
    }

    @Test
    void tmpIsATmpfs() {
        assertThat(only(config.path("mounts"), "destination", "/tmp").path("type").asText()).isEqualTo("tmpfs");
    }

    @Test
    void memoryIsLimitedToTheSpecWithoutSwapBeyondIt() {
        JsonNode memory = config.path("linux").path("resources").path("memory");

        assertThat(memory.path("limit").asLong()).isEqualTo(MEMORY);
        assertThat(memory.path("swap").asLong()).isEqualTo(MEMORY);
        assertThat(config.path("linux").path("cgroupsPath").asText()).isEqualTo(CGROUP);
    }

    @Test
    void theRelayRunsAsInitInFrontOfTheFunction() {
        assertThat(texts(config.path("process").path("args")))
                .containsExactly("/torpor/init", "-s", "/run/torpor/agent.sock", "--", "/var/task/bootstrap", "--flag");
        assertThat(config.path("process").path("cwd").asText()).isEqualTo("/var/task");
    }

    @Test
    void environmentIsTheSpecs() {
        assertThat(texts(config.path("process").path("env")))
                .containsExactlyInAnyOrder("AWS_LAMBDA_FUNCTION_NAME=fn", "GREETING=hello world");
    }

    @Test
    void rootIsTheSharedRootfsReadOnly() {
        assertThat(config.path("root").path("path").asText()).isEqualTo(ROOTFS.toString());
        assertThat(config.path("root").path("readonly").asBoolean()).isTrue();
    }

    private static JsonNode only(JsonNode array, String field, String value) {
        List<JsonNode> found = stream(array).filter(n -> n.path(field).asText().equals(value)).toList();
        assertThat(found).as("entries with %s=%s", field, value).hasSize(1);
        return found.getFirst();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }
}
