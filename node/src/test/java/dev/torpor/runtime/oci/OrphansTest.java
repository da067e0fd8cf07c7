package dev.torpor.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphansTest {
    @TempDir
    Path runtime;

    @Test
    void killsTheLazyPagesDaemonsOfThisNodesContainersOnly() throws Exception {
        Process ours = lookalike(runtime.resolve("containers/counter-1/criu-restore"));
        Process others = lookalike(runtime.resolveSibling("other-node/containers/counter-1/criu-restore"));
        try {
            Orphans.killLazyPagesDaemons(runtime.resolve("containers"));

            Await.until("the daemon of this node's container is gone", () -> !ours.isAlive(), Duration.ofSeconds(10));
            assertThat(others.isAlive()).as("another node's daemon").isTrue();
        } finally {
            ProcessTree.kill(ours.toHandle());
            ProcessTree.kill(others.toHandle());
        }
    }

    @Test
    void knowsALazyPagesDaemonByItsWorkDirectory() {
        List<String> daemon = List.of("lazy-pages", "--page-server", "--work-dir", "/data/runtime/containers/c/criu-restore");
        assertThat(Orphans.lazyPagesUnder(daemon, "/data/runtime/containers/")).isTrue();
        assertThat(Orphans.lazyPagesUnder(daemon, "/data2/runtime/containers/")).isFalse();
        assertThat(Orphans.lazyPagesUnder(List.of("restore", "--work-dir", "/data/runtime/containers/c"), "/data/runtime/containers/")).isFalse();
        assertThat(Orphans.lazyPagesUnder(List.of("lazy-pages", "--work-dir"), "/data/runtime/containers/")).isFalse();
    }

    @Test
    void readsMountPointsWithTheKernelsEscapes() {
        assertThat(Orphans.mountPoint("812 29 8:1 / /var/lib/torpor\\040a/runtime/state/c/criu-root rw,relatime shared:1 - ext4 /dev/sda1 rw"))
                .isEqualTo("/var/lib/torpor a/runtime/state/c/criu-root");
    }

    /** A process with a lazy-pages daemon's arguments (sh ignores those after its script). */
    private static Process lookalike(Path workDir) throws Exception {
        return new ProcessBuilder("sh", "-c", "sleep 600", "lazy-pages", "--work-dir", workDir.toString()).start();
    }
}
