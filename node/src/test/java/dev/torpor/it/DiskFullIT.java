package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node whose --data fills up (a size-limited tmpfs the test mounts, then fills and frees): the audit found instances
 * left BUSY and RESUMING for good, still failing after space was freed. Here nothing wedges, and once space returns
 * work and records go on where they were.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DiskFullIT extends RealNodeCase {
    private Path disk;

    @Override
    TestNode newNode() throws Exception {
        disk = Files.createDirectories(data.resolve("disk"));
        run("mount", "-t", "tmpfs", "-o", "size=256m,mode=0700", "tmpfs", disk.toString());
        return new TestNode(disk, budgetBytes());
    }

    @Override
    @AfterEach
    void stopNode() throws Exception {
        try {
            super.stopNode();
        } finally {
            // Lazily: every mount namespace made meanwhile on this host (any container's) holds a copy of the
            // tmpfs and keeps it busy until it ends; detached here, it goes with the last of them.
            if (disk != null) run("umount", "--lazy", disk.toString());
        }
    }

    @Test
    void nothingWedgesWhileTheDiskIsFullAndWorkGoesOnOnceSpaceReturns() throws Exception {
        var created = node.createTestFunction("counter", "probe", 30, Map.of(), Map.of("torpor:suspend", "none"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(node.invoke("counter", "{}").get("count").asInt()).isEqualTo(1);
        String id = node.instanceOf("counter").get("instanceId").asText();

        Path filler = disk.resolve("filler");
        fill(filler);
        assertThat(node.invoke("counter", "{}").get("count").asInt()).as("served while the disk is full").isEqualTo(2);
        node.awaitState(id, "IDLE", Duration.ofSeconds(30));
        var refused = node.checkpoint(id);
        assertThat(refused.statusCode()).as("a checkpoint cannot be written: %s", refused.body()).isNotEqualTo(200);
        JsonNode after = node.awaitState(id, "IDLE", Duration.ofSeconds(30));
        assertThat(after.get("lastError").asText()).as("and says why").contains("checkpoint failed");
        assertThat(node.invoke("counter", "{}").get("count").asInt()).as("still running as before").isEqualTo(3);

        Files.delete(filler);
        assertThat(node.invoke("counter", "{}").get("count").asInt()).isEqualTo(4);
        node.awaitState(id, "IDLE", Duration.ofSeconds(30));
        var checkpointed = node.checkpoint(id);
        assertThat(checkpointed.statusCode()).as(checkpointed.body()).isEqualTo(200);
        assertThat(node.invoke("counter", "{}").get("count").asInt()).as("restored from the new image").isEqualTo(5);
        node.awaitLog(id, "event 1", "event 5"); // what the full disk could not take is told instead (FunctionLogTest)

        node.awaitState(id, "IDLE", Duration.ofSeconds(30));
        node.stop();
        node.start();
        assertThat(node.instance(id).get("invocations").asInt()).as("the records caught up").isEqualTo(5);
    }

    /** Writes zeros until the file system refuses more. */
    private static void fill(Path file) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) out.write(chunk);
        } catch (IOException full) {
            if (!full.getMessage().contains("No space left")) throw full;
        }
    }

    private static void run(String... argv) throws Exception {
        Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new AssertionError(String.join(" ", argv) + " failed: " + out);
    }
}
