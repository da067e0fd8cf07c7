package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the node during a 30 MB UpdateFunctionCode: the audit found every later update refused with "409
 * Revision 2 … already has code" (6 of 6). Whatever moment the kill lands on, the next update goes through.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KillDuringCodeUpdateIT extends ChildNodeCase {
    private static final String CODE = "/2015-03-31/functions/counter/code";
    private static final int ROUNDS = 3;
    private static final int BALLAST_BYTES = 30 << 20;
    /** Receiving, unzipping and syncing 30 MB takes seconds here: the kills land before, inside and after it. */
    private static final int LATEST_KILL_MS = 2500;

    @TempDir
    Path scratch;

    @Test
    void theUpdateAfterAKilledOneGoesThrough() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        var created = node.createTestFunction("counter", "probe", 30, Map.of(), Map.of("torpor:suspend", "none"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String big = updateBody(withBallast(random));
        String small = updateBody(TestNode.zipOf(TestNode.TEST_FUNCTIONS.resolve("probe")));

        for (int round = 1; round <= ROUNDS; round++) {
            int killAfterMs = random.nextInt(LATEST_KILL_MS);
            CompletableFuture<?> update = CompletableFuture.runAsync(() -> node.call("PUT", CODE, big));
            Thread.sleep(killAfterMs); // the fault's random moment, which is the test: not a wait for anything
            node.kill();
            node.start();

            String context = "seed " + seed + ", round " + round + ", killed after " + killAfterMs + " ms"
                    + (update.isDone() ? " (update answered)" : "") + "\n" + node.childOutput();
            var next = node.call("PUT", CODE, small);
            assertThat(next.statusCode()).as("%s\n%s", next.body(), context).isEqualTo(200);
            assertThat(node.invoke("counter", "{}").get("count").asInt()).as(context).isEqualTo(1);
            assertThat(stagingLeftovers()).as("staged uploads swept at start").isEmpty();
        }
    }

    /** The probe with 30 MB of random bytes beside it, which no zip can shrink. */
    private byte[] withBallast(Random random) throws Exception {
        Path dir = scratch.resolve("big");
        Files.createDirectories(dir);
        for (Path f : Files.list(TestNode.TEST_FUNCTIONS.resolve("probe")).toList()) Files.copy(f, dir.resolve(f.getFileName()));
        byte[] ballast = new byte[BALLAST_BYTES];
        random.nextBytes(ballast);
        Files.write(dir.resolve("ballast.bin"), ballast);
        return TestNode.zipOf(dir);
    }

    private static String updateBody(byte[] zip) {
        return TestNode.JSON.createObjectNode().put("ZipFile", Base64.getEncoder().encodeToString(zip)).toString();
    }

    private Stream<Path> stagingLeftovers() throws Exception {
        try (Stream<Path> all = Files.list(data.resolve("code"))) {
            return all.filter(p -> p.getFileName().toString().startsWith(".")).toList().stream();
        }
    }
}
