package dev.torpor.node;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A node without keys trusts whoever reaches it, so it listens on loopback only unless told it is insecure; a node with
 * TLS between nodes reaches its peers over https only.
 */
class NodeConfigTest {
    private static NodeConfig on(String host) {
        return NodeConfig.standalone("n", new InetSocketAddress(host, 9000), Path.of("/tmp/unused"), 1 << 30);
    }

    @Test
    void aNodeWithoutKeysRefusesAnAddressOthersCanReach() {
        assertThatThrownBy(() -> on("0.0.0.0").requireSafeListen()).hasMessageContaining("--credentials").hasMessageContaining("--insecure");
        assertThatCode(() -> on("127.0.0.1").requireSafeListen()).doesNotThrowAnyException();
        assertThatCode(() -> on("::1").requireSafeListen()).doesNotThrowAnyException();
    }

    @Test
    void keysOrInsecureAllowAnyAddress() {
        assertThatCode(() -> on("0.0.0.0").withCredentials(Path.of("/etc/torpor/credentials")).requireSafeListen()).doesNotThrowAnyException();
        NodeConfig c = on("0.0.0.0");
        NodeConfig insecure = new NodeConfig(c.nodeId(), c.listen(), c.dataDir(), c.memoryBudgetBytes(), c.account(), c.runcBinary(),
                c.initTimeout(), c.admissionTimeout(), c.peers(), c.leaseTtl(), c.credentials(), true, c.tls(), c.delivery(), c.mqtt(), c.mqttPort());
        assertThatCode(insecure::requireSafeListen).doesNotThrowAnyException();
    }

    @Test
    void aNodeWithTlsReachesItsPeersOverHttpsAndOneWithoutOverHttp() {
        java.util.List<dev.torpor.cluster.PeerNode> http = java.util.List.of(dev.torpor.cluster.PeerNode.parse("b=http://127.0.0.3:9000"));
        java.util.List<dev.torpor.cluster.PeerNode> https = java.util.List.of(dev.torpor.cluster.PeerNode.parse("b=https://127.0.0.3:9000"));
        assertThatCode(() -> peers(http, null).requirePeersMatchTls()).doesNotThrowAnyException();
        assertThatCode(() -> peers(https, Path.of("/etc/torpor/tls")).requirePeersMatchTls()).doesNotThrowAnyException();
        assertThatThrownBy(() -> peers(http, Path.of("/etc/torpor/tls")).requirePeersMatchTls()).hasMessageContaining("over https only");
        assertThatThrownBy(() -> peers(https, null).requirePeersMatchTls()).hasMessageContaining("without --tls");
    }

    private static NodeConfig peers(java.util.List<dev.torpor.cluster.PeerNode> peers, Path tls) {
        NodeConfig c = on("127.0.0.1");
        return new NodeConfig(c.nodeId(), c.listen(), c.dataDir(), c.memoryBudgetBytes(), c.account(), c.runcBinary(),
                c.initTimeout(), c.admissionTimeout(), peers, c.leaseTtl(), c.credentials(), false, java.util.Optional.ofNullable(tls),
                c.delivery(), c.mqtt(), c.mqttPort());
    }
}
