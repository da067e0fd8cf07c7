package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.runtime.oci.OciRuntimes;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Functions with {@code torpor:network outbound} on the node's CNI bridge, against servers in a namespace the test
 * made ({@link Outside}): they reach them, keep a connection across a checkpoint and restore, never reach the host,
 * and give their addresses back; functions with {@code none} reach nothing.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class NetworkIT extends RealNodeCase {
    /** Rounds of create, invoke and delete in the suite; {@code -Dtorpor.it.networkRounds=200} for the long run. */
    private static final int ROUNDS = Integer.getInteger("torpor.it.networkRounds", 20);
    private static final Duration SETTLE = Duration.ofMinutes(2);

    @RegisterExtension
    final Outside outside = new Outside();

    @Test
    void anOutboundFunctionFetchesFromOutsideAndANoneFunctionCannot() throws Exception {
        deploy("out", "outbound");
        deploy("closed", "none");

        assertThat(node.invoke("out", fetch()).get("fetch").asText()).isEqualTo("hello from outside");
        assertThat(node.invoke("closed", fetch()).get("fetch").asText()).isEqualTo("ENETUNREACH");

        assertThat(node.instanceOf("out").get("address").asText()).startsWith("10.").isNotEqualTo(outside.address);
        assertThat(node.instanceOf("closed").get("address")).as("loopback only").isNull();
    }

    @Test
    void nameServersInsideAreTheHostsReachableOnes() throws Exception {
        deploy("out", "outbound");

        String resolv = node.invoke("out", "{\"try\":\"resolv\"}").get("resolv").asText();

        assertThat(resolv).doesNotContain("nameserver 127.");
        for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"))) {
            if (line.startsWith("nameserver") && !line.contains(" 127.")) assertThat(resolv).contains(line.strip());
        }
    }

    @Test
    void aConnectionOutsideSurvivesACheckpointAndRestoreAtTheSameAddress() throws Exception {
        deploy("out", "outbound");
        assertThat(node.invoke("out", open()).get("open").asText()).isEqualTo("ok");
        String connection = node.invoke("out", say("before")).get("say").asText().split(":")[0];
        JsonNode before = node.instanceOf("out");
        String id = before.get("instanceId").asText();

        assertThat(node.checkpoint(id).statusCode()).isEqualTo(200);
        node.awaitState(id, "CHECKPOINTED", SETTLE);
        assertThat(node.instance(id).get("address").asText()).as("kept while checkpointed").isEqualTo(before.get("address").asText());

        assertThat(node.invoke("out", say("after")).get("say").asText()).as("the same connection, restored").isEqualTo(connection + ":after");
        assertThat(node.instance(id).get("restores").asInt()).isEqualTo(1);
        assertThat(node.instance(id).get("address").asText()).isEqualTo(before.get("address").asText());
    }

    @Test
    void neitherTheAgentNorAnyOtherServiceOfTheHostIsReachableThroughTheBridge() throws Exception {
        deploy("out", "outbound");
        node.invoke("out", "{}");
        String address = node.instanceOf("out").get("address").asText();
        String gateway = address.substring(0, address.lastIndexOf('.')) + ".1";
        int agentPort = URI.create(node.endpoint()).getPort();
        try (ServerSocketChannel host = ServerSocketChannel.open().bind(new InetSocketAddress("0.0.0.0", 0))) {
            host.configureBlocking(false);
            int hostPort = ((InetSocketAddress) host.getLocalAddress()).getPort();

            assertThat(node.invoke("out", connect(gateway, hostPort)).get("connect").asText()).isEqualTo("TIMEOUT");
            assertThat(node.invoke("out", connect(gateway, agentPort)).get("connect").asText()).isEqualTo("TIMEOUT");
            assertThat(host.accept()).as("a connection from the function").isNull();
        }
        assertThat(node.invoke("out", fetch()).get("fetch").asText()).as("while the world is in reach").isEqualTo("hello from outside");
    }

    @Test
    void createInvokeDeleteRoundsLeaveTheAddressStoreEmpty() throws Exception {
        for (int i = 0; i < ROUNDS; i++) {
            deploy("round", "outbound");
            assertThat(node.invoke("round", fetch()).get("fetch").asText()).isEqualTo("hello from outside");
            assertThat(node.call("DELETE", "/2015-03-31/functions/round", null).statusCode()).isEqualTo(204);
        }

        assertThat(node.addressReservations()).as("after " + ROUNDS + " rounds").isEmpty();
    }

    @Test
    void aStoppedNodeLeavesNoBridgeAndNoRuleBehindAndItsCheckpointedInstanceComesBackAtItsAddress() throws Exception {
        deploy("out", "outbound");
        node.invoke("out", "{}");
        String address = node.instanceOf("out").get("address").asText();
        String scope = OciRuntimes.scopeOf(data.resolve("runtime"));

        node.stop();

        assertThat(Outside.run("ip", "-o", "link", "show")).doesNotContain("torpor" + scope);
        assertThat(Outside.run("iptables", "-S") + Outside.run("iptables", "-t", "nat", "-S") + Outside.run("ip6tables", "-S"))
                .doesNotContain(scope);
        assertThat(node.addressReservations()).as("the checkpointed instance keeps its address").hasSize(1);

        node.start();
        assertThat(node.invoke("out", fetch()).get("fetch").asText()).isEqualTo("hello from outside");
        assertThat(node.instanceOf("out").get("address").asText()).isEqualTo(address);
    }

    private void deploy(String name, String network) {
        var r = node.createTestFunction(name, "net", 30, Map.of(), Map.of("torpor:network", network, "torpor:suspend", "none"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private String fetch() {
        return "{\"try\":\"fetch\",\"url\":\"" + outside.url() + "\"}";
    }

    private String open() {
        return "{\"try\":\"open\",\"host\":\"" + outside.address + "\",\"port\":" + Outside.LINES_PORT + "}";
    }

    private static String say(String line) {
        return "{\"try\":\"say\",\"line\":\"" + line + "\"}";
    }

    private static String connect(String host, int port) {
        return "{\"try\":\"connect\",\"host\":\"" + host + "\",\"port\":" + port + "}";
    }
}
