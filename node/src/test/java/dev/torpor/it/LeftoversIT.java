package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A node that stops leaves none of its own behind: no container, network namespace, cgroup directory or mount. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LeftoversIT extends RealNodeCase {
    @Test
    void aStoppedNodeLeavesNoCgroupDirectoriesBehind() throws Exception {
        assertThat(node.create("counter", "counter-python", 128, Map.of(), Map.of("torpor:suspend", "none")).statusCode()).isEqualTo(201);
        assertThat(node.invoke("counter", "{}").get("count").asInt()).isEqualTo(1);
        assertThat(Leftovers.cgroupDirs(data)).as("while it runs").isNotEmpty();

        node.close();
        node = null;

        assertThat(Leftovers.cgroupDirs(data)).as("after it stopped").isEmpty();
        assertThat(Leftovers.netns(data)).isEmpty();
    }

    @Test
    void aNodeKilledAndRestartedLeavesNothingOnceItStops() throws Exception {
        node.close();
        node = TestNode.inChildJvm(data.resolve("child"), budgetBytes());
        assertThat(node.create("counter", "counter-python", 128, Map.of(), Map.of("torpor:suspend", "none")).statusCode()).isEqualTo(201);
        assertThat(node.invoke("counter", "{}").get("count").asInt()).isEqualTo(1);

        node.kill();
        assertThat(Leftovers.of(node.data)).as("kill -9 leaves the container running").isNotEmpty();
        node.start();
        assertThat(node.invoke("counter", "{}").get("count").asInt()).as("taken back").isEqualTo(2);
        node.stop();

        assertThat(Leftovers.of(node.data)).as("after the restarted node stopped").isEmpty();
        assertThat(Leftovers.cgroupDirs(node.data)).isEmpty();
    }
}
