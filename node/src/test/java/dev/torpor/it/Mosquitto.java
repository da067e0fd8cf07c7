package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.testing.Await;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker (Debian's, installed by scripts/install.sh --test) on a loopback port, with its sessions and
 * queued messages persisted under {@code dir}, so a restarted broker still holds the node's session.
 */
final class Mosquitto implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    final int port;
    private final Path dir;
    private Process process;

    Mosquitto(Path dir) throws Exception {
        this.dir = Files.createDirectories(dir);
        this.port = TestNode.freePort("127.0.0.1");
        start();
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    void start() throws Exception {
        assertThat(BINARY).as("mosquitto (scripts/install.sh --test installs it)").isExecutable();
        Path conf = dir.resolve("mosquitto.conf");
        // Enough queued messages for a node that is away while a whole test stream is published (the default is 1000).
        // Run as root, mosquitto would switch to its own user, which cannot write its persistence into the test's dir.
        Files.writeString(conf, String.join("\n", "listener " + port + " 127.0.0.1", "allow_anonymous true", "user root",
                "persistence true", "persistence_location " + dir + "/", "max_queued_messages 100000", "log_dest stdout", ""));
        process = new ProcessBuilder(BINARY.toString(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile())).start();
        Await.until("mosquitto listens on " + port, () -> process.isAlive() && listening(), Duration.ofSeconds(20));
    }

    /** A clean stop: mosquitto writes its persistence file on SIGTERM. */
    void stop() throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("mosquitto stops on SIGTERM").isTrue();
    }

    private boolean listening() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
