package dev.torpor.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The name servers a container is given: the host's own, but never one on the host's loopback. */
class RootfsEtcTest {
    @TempDir
    Path host;

    @Test
    void theHostsNameServersAndSearchAreKept() throws Exception {
        Path etc = Files.createDirectories(host.resolve("etc"));
        Files.writeString(etc.resolve("resolv.conf"), "# by DHCP\nnameserver 192.168.1.1\nnameserver 127.0.0.1\nsearch lan\n");

        assertThat(RootfsEtc.resolvConf(etc)).isEqualTo("nameserver 192.168.1.1\nsearch lan\n");
    }

    @Test
    void behindSystemdResolvedTheServersItForwardsToAreGiven() throws Exception {
        Path etc = Files.createDirectories(host.resolve("etc"));
        Files.writeString(etc.resolve("resolv.conf"), "nameserver 127.0.0.53\noptions edns0 trust-ad\n");
        Path upstream = Files.createDirectories(host.resolve("run/systemd/resolve")).resolve("resolv.conf");
        Files.writeString(upstream, "nameserver 10.0.0.1\nnameserver ::1\n");

        assertThat(RootfsEtc.resolvConf(etc)).isEqualTo("nameserver 10.0.0.1\n");
    }

    @Test
    void withNoServerInReachTheFileSaysSo() throws Exception {
        Path etc = Files.createDirectories(host.resolve("etc"));
        Files.writeString(etc.resolve("resolv.conf"), "nameserver 127.0.0.53\n");

        assertThat(RootfsEtc.resolvConf(etc)).startsWith("#").doesNotContain("nameserver");
    }
}
