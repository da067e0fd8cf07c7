package dev.torpor.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.torpor.cluster.PeerClient;
import dev.torpor.cluster.PeerNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Nodes on loopback whose only job is the Invoke route: each forwards to where its location table says the
 * function lives, or serves it when that is itself, as {@code InvokeHandler} does.
 */
class InvocationForwarderTest {
    private static final String INVOKE = "/2015-03-31/functions/counter/invocations";
    private final List<MiniNode> nodes = new ArrayList<>();
    private final HttpClient caller = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        nodes.forEach(MiniNode::close);
        caller.close();
    }

    @Test
    void nodesWhoseLocationsPointAtEachOtherRefuseTheLoopAtOnce() throws Exception {
        MiniNode a = node("edge-a");
        MiniNode b = node("edge-b");
        a.livesOn.set(b.peer());
        b.livesOn.set(a.peer());

        HttpResponse<String> answer = invoke(a, Map.of());

        assertThat(answer.statusCode()).isEqualTo(409);
        assertThat(answer.body()).contains("Forwarding loop").contains("edge-a").contains("edge-b");
        // a, b, a: the third refuses instead of handing it on
        assertThat(a.received.get() + b.received.get()).isEqualTo(InvocationForwarder.MAX_HOPS + 1);
    }

    @Test
    void aFunctionReachedThroughOneStaleLocationIsServed() throws Exception {
        MiniNode a = node("edge-a");
        MiniNode b = node("edge-b");
        MiniNode c = node("edge-c");
        a.livesOn.set(b.peer()); // a moved it to b, which moved it on to c
        b.livesOn.set(c.peer());

        HttpResponse<String> answer = invoke(a, Map.of());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("served by edge-c");
        assertThat(answer.headers().firstValue("X-Torpor-Served-By")).contains("edge-b");
    }

    @Test
    void aHopCountThatIsNoCountIsRefused() throws Exception {
        MiniNode a = node("edge-a");
        a.livesOn.set(node("edge-b").peer());

        HttpResponse<String> answer = invoke(a, Map.of(InvocationForwarder.HOPS, "many"));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains(InvocationForwarder.HOPS);
    }

    private HttpResponse<String> invoke(MiniNode node, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(node.peer().endpoint().resolve(INVOKE)).timeout(Duration.ofMinutes(1))
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        headers.forEach(b::header);
        return caller.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private MiniNode node(String id) throws IOException {
        MiniNode n = new MiniNode(id);
        nodes.add(n);
        return n;
    }

    private static final class MiniNode implements AutoCloseable {
        final String id;
        final AtomicReference<PeerNode> livesOn = new AtomicReference<>();
        final AtomicInteger received = new AtomicInteger();
        private final PeerClient peers = new PeerClient(java.util.Optional.empty(), java.util.Optional.empty());
        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        private final HttpServer server;

        MiniNode(String id) throws IOException {
            this.id = id;
            InvocationForwarder forwarder = new InvocationForwarder(id, peers);
            Router router = new Router(RequestAccess.open(), new Members(java.util.Optional.empty())).add("POST", "/2015-03-31/functions/(?<name>[^/]+)/invocations", r -> {
                received.incrementAndGet();
                byte[] payload = r.body(1024, "too large");
                PeerNode elsewhere = livesOn.get();
                if (elsewhere == null) return Response.text(200, "text/plain", "served by " + id);
                return forwarder.forward(elsewhere, r.pathParam("name"), "RequestResponse", payload, r, Duration.ofSeconds(30));
            });
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", router);
            server.setExecutor(threads);
            server.start();
        }

        PeerNode peer() {
            return new PeerNode(id, URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
