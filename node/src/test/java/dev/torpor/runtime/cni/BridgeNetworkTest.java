package dev.torpor.runtime.cni;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the node's bridge keeps a container's address across checkpoints and gives it back, on {@link FakeCni}. */
class BridgeNetworkTest {
    @TempDir
    Path dir;

    private final FakeCni cni = new FakeCni();
    private BridgeNetwork network;
    private final Path netns = Path.of("/var/run/netns/n1");

    @BeforeEach
    void make() {
        network = new BridgeNetwork(cni, "0000abcd", dir, new HostGuard("0000abcd", "torpor0000abcd"));
    }

    @Test
    void aRestoreIsWiredAtTheAddressTheStartWas() {
        String first = network.attach("c1", netns);
        network.detach("c1", netns);
        String again = network.attach("c1", Path.of("/var/run/netns/n2"));

        assertThat(again).isEqualTo(first);
        assertThat(network.address("c1")).contains(first);
        assertThat(cni.calls).containsExactly("ADD host-local c1", "ADD bridge c1", "DEL bridge c1", "ADD bridge c1");
    }

    @Test
    void removingTheContainerUnwiresItAndGivesItsAddressBack() {
        network.attach("c1", netns);

        network.release("c1", netns);

        assertThat(cni.calls).endsWith("DEL bridge c1", "DEL host-local c1");
        assertThat(cni.reserved).isEmpty();
        assertThat(network.address("c1")).isEmpty();
        network.release("c1", netns);
        assertThat(cni.calls).as("nothing more to give back").hasSize(4);
    }

    @Test
    void aStartAfterReleaseGetsAFreshAddress() {
        String first = network.attach("c1", netns);
        network.release("c1", netns);

        assertThat(network.attach("c1", netns)).isNotEqualTo(first);
    }

    @Test
    void atStartAddressesOfContainersTheNodeNoLongerHoldsAreGivenBack() {
        network.attach("kept", netns);
        network.attach("gone", netns);
        network.detach("kept", netns);

        network.keepOnly(Set.of("kept"), id -> netns);

        assertThat(cni.reserved).containsOnlyKeys("kept");
        assertThat(network.address("gone")).isEmpty();
    }

    @Test
    void aHostWithoutThePluginsHasNoBridge() {
        assertThat(BridgeNetwork.onHost("0000abcd", dir.resolve("network"), dir.resolve("no-plugins-here"))).isEmpty();
    }

    @Test
    void twoScopesGetTwoSubnets() {
        assertThat(BridgeNetwork.subnetFor("0000abcd")).isEqualTo("10.107.205.");
        assertThat(BridgeNetwork.subnetFor("ffffffff")).isEqualTo("10.127.255.");
        assertThat(BridgeNetwork.subnetFor("00000000")).isNotEqualTo(BridgeNetwork.subnetFor("00000100"));
    }
}
