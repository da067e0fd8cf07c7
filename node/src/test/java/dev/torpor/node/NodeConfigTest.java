package dev.torpor.node;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A node without keys trusts whoever reaches it, so it listens on loopback only unless told it is insecure. */
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
                c.initTimeout(), c.admissionTimeout(), c.peers(), c.leaseTtl(), c.credentials(), true, c.tls());
        assertThatCode(insecure::requireSafeListen).doesNotThrowAnyException();
    }
}
