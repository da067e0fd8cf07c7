package dev.torpor.node;

import dev.torpor.events.MqttSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The node's own MQTT broker when it is given none: Debian's mosquitto, a process of its own (see the README's "MQTT
 * triggers" for why not one embedded in the agent), on 127.0.0.1 only, its configuration, persistence and log under
 * the node's data. The node writes the broker's pid beside them, so a node restarted after a kill -9 stops the
 * broker its previous life left behind before starting its own.
 */
record LocalBroker(Process process, Path pidFile, int port) implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/mosquitto");
    private static final Logger LOG = Logger.getLogger(LocalBroker.class.getName());
    private static final Duration STARTUP = Duration.ofSeconds(20);
    private static final Duration STOP = Duration.ofSeconds(10);

    /** The broker started on {@code port}, or empty (said in the log) when mosquitto is absent or cannot listen there. */
    static Optional<LocalBroker> start(Path binary, Path dir, int port) {
        if (!Files.isExecutable(binary)) {
            LOG.warning(binary + " is not installed (scripts/install.sh installs mosquitto): this node has no MQTT broker, "
                    + "and MQTT triggers are refused until it is given one with --mqtt-broker");
            return Optional.empty();
        }
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Path pidFile = dir.resolve("mosquitto.pid");
            stopOrphan(pidFile);
            if (!free(port)) {
                LOG.warning("127.0.0.1:" + port + " is taken: this node starts no MQTT broker of its own (choose another "
                        + "port with --mqtt-port, or give a broker with --mqtt-broker), and MQTT triggers are refused");
                return Optional.empty();
            }
            Path conf = dir.resolve("mosquitto.conf");
            // user root: mosquitto run by root would otherwise switch to its own user, who cannot write into the node's
            // data (0700). It only listens on loopback, for this node and the device's own publishers.
            Files.writeString(conf, String.join("\n", "listener " + port + " 127.0.0.1", "allow_anonymous true",
                    "user root", "persistence true", "persistence_location " + dir + "/",
                    "max_queued_messages 100000", "log_dest stdout", ""));
            Process process = new ProcessBuilder(binary.toString(), "-c", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile())).start();
            Files.writeString(pidFile, Long.toString(process.pid()));
            LocalBroker broker = new LocalBroker(process, pidFile, port);
            if (!broker.awaitListening()) {
                broker.close();
                LOG.warning("mosquitto did not start listening on 127.0.0.1:" + port + " (see " + dir.resolve("mosquitto.log")
                        + "): MQTT triggers are refused");
                return Optional.empty();
            }
            LOG.info("started mosquitto (pid " + process.pid() + ") on 127.0.0.1:" + port + " as this node's MQTT broker");
            return Optional.of(broker);
        } catch (IOException e) {
            throw new UncheckedIOException("starting the node's mosquitto in " + dir, e);
        }
    }

    /** How the node reaches it: plain MQTT on loopback, no credentials. */
    MqttSettings settings() {
        return new MqttSettings("tcp://127.0.0.1:" + port, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    private boolean awaitListening() {
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) return false;
            if (connects(port)) return process.isAlive();
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** SIGTERM (mosquitto then writes its persistence), SIGKILL if it does not stop in time. */
    @Override
    public void close() {
        stop(process.toHandle());
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            LOG.warning("could not remove " + pidFile + ": " + e);
        }
    }

    /** A mosquitto a previous life of this node started and did not stop (it was killed): recognised by its config. */
    private static void stopOrphan(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) return;
        String conf = pidFile.resolveSibling("mosquitto.conf").toString();
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()))
                .filter(p -> p.info().commandLine().map(c -> c.contains(conf)).orElse(false))
                .ifPresent(p -> {
                    LOG.info("stopping mosquitto (pid " + p.pid() + ") left by this node's previous run");
                    stop(p);
                });
        Files.delete(pidFile);
    }

    private static void stop(ProcessHandle p) {
        p.destroy();
        try {
            p.onExit().get(STOP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            p.onExit().join();
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean connects(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
