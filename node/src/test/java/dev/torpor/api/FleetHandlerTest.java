package dev.torpor.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.torpor.cluster.Membership;
import dev.torpor.cluster.PeerClient;
import dev.torpor.cluster.PeerNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fleet view through the real router: this node, a peer that answers (a stand-in on loopback) with its moves under way, one that does not. */
@Timeout(30)
class FleetHandlerTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private HttpServer peer, node;

    @BeforeEach
    void start() throws Exception {
        peer = serve(new Router(RequestAccess.open(), new Members(Optional.empty()))
                .add("GET", "/torpor/v1/node", r -> Response.json(200, Map.of("nodeId", "edge-b", "memoryBudgetBytes", 256L << 20)))
                .add("GET", "/torpor/v1/instances", r -> Response.json(200,
                        Map.of("instances", List.of(Map.of("function", "counter", "instanceId", "counter-1", "state", "IDLE")))))
                .add("GET", "/torpor/v1/moves", r -> Response.json(200,
                        Map.of("moves", List.of(Map.of("kind", "BACKUP", "function", "counter", "peer", "edge-a"))))));
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Membership membership = Membership.fixed("edge-a", List.of(
                new PeerNode("edge-b", URI.create("http://127.0.0.1:" + peer.getAddress().getPort())),
                new PeerNode("edge-c", URI.create("http://127.0.0.1:" + closedPort))));
        NodeInfo self = new NodeInfo("edge-a", "test", "x86_64", "6.18", "4.2", "1.1", 512L << 20, 0, 0, 0, 0, membership.peers(), null);
        Router router = new Router(RequestAccess.open(), new Members(Optional.empty()));
        new FleetHandler(membership, new PeerClient(Optional.empty(), Optional.empty()), () -> self, List::of, List::of).register(router);
        node = serve(router);
    }

    @AfterEach
    void stop() {
        peer.stop(0);
        node.stop(0);
        executor.shutdownNow();
        client.close();
    }

    @Test
    void showsThisNodeEachPeersInstancesAndWhyAPeerIsMissing() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.getAddress().getPort()
                + "/torpor/v1/fleet")).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode nodes = Response.JSON.readTree(r.body()).get("nodes");
        assertThat(nodes).hasSize(3);
        assertThat(nodes.get(0).get("nodeId").asText()).isEqualTo("edge-a");
        assertThat(nodes.get(0).get("self").asBoolean()).isTrue();
        assertThat(nodes.get(0).get("node").get("memoryBudgetBytes").asLong()).isEqualTo(512L << 20);
        assertThat(nodes.get(1).get("nodeId").asText()).isEqualTo("edge-b");
        assertThat(nodes.get(1).get("instances").get(0).get("function").asText()).isEqualTo("counter");
        assertThat(nodes.get(1).get("moves").get(0).get("kind").asText()).as("its backup round under way").isEqualTo("BACKUP");
        assertThat(nodes.get(0).get("moves")).as("none here").isEmpty();
        assertThat(nodes.get(1).has("error")).isFalse();
        assertThat(nodes.get(2).get("nodeId").asText()).isEqualTo("edge-c");
        assertThat(nodes.get(2).get("error").asText()).contains("not reachable");
        assertThat(nodes.get(2).has("instances")).isFalse();
    }

    private HttpServer serve(Router router) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", router);
        s.setExecutor(executor);
        s.start();
        return s;
    }
}
