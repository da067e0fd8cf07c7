package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.runtime.oci.OciRuntimes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A node that stops leaves none of its own behind: no container, network namespace or cgroup directory. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LeftoversIT extends RealNodeCase {
    @Test
    void aStoppedNodeLeavesNoCgroupDirectoriesBehind() throws Exception {
        assertThat(node.create("counter", "counter-python", 128, Map.of(), Map.of("torpor:suspend", "none")).statusCode()).isEqualTo(201);
        assertThat(node.invoke("counter", "{}").get("count").asInt()).isEqualTo(1);
        String scope = OciRuntimes.scopeOf(data.resolve("runtime"));
        assertThat(cgroupDirs(scope)).as("while it runs").isNotEmpty();

        node.close();
        node = null;

        assertThat(cgroupDirs(scope)).as("after it stopped").isEmpty();
        try (Stream<Path> netns = Files.list(Path.of("/var/run/netns"))) {
            assertThat(netns.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("torpor-" + scope));
        }
    }

    private static java.util.List<Path> cgroupDirs(String scope) throws IOException {
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            return hierarchies.map(h -> h.resolve("torpor").resolve(scope)).filter(Files::isDirectory).toList();
        }
    }
}
