package dev.torpor.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's own broker is optional: without mosquitto, or with its port taken, the node runs on without one. */
class LocalBrokerTest {
    @TempDir
    Path dir;

    @Test
    void withoutMosquittoThereIsNoBroker() {
        assertThat(LocalBroker.start(dir.resolve("no-such-mosquitto"), dir.resolve("mosquitto"), 1883)).isEmpty();
    }

    @Test
    void aTakenPortStartsNoBroker() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // Any executable will do: the port is checked before it would be run.
            assertThat(LocalBroker.start(Path.of("/bin/true"), dir.resolve("mosquitto"), taken.getLocalPort())).isEmpty();
        }
    }
}
