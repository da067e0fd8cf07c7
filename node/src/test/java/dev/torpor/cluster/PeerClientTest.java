package dev.torpor.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.testing.Await;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeerClientTest {
    private static final int MAX = 3;

    @Test
    void requestsPastTheBoundAreRefusedInsteadOfOpeningMoreConnections() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger arrived = new AtomicInteger();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            arrived.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        PeerNode peer = new PeerNode("edge-b", URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
        PeerClient client = new PeerClient(java.util.Optional.empty(), java.util.Optional.empty(), MAX, Duration.ofMillis(100));
        try {
            List<CompletableFuture<HttpResponse<byte[]>>> held = new ArrayList<>();
            for (int i = 0; i < MAX; i++) held.add(CompletableFuture.supplyAsync(() -> get(client, peer), threads));
            Await.until("the peer holds " + MAX + " requests", () -> arrived.get() == MAX);

            TorporException refused = catchThrowableOfType(TorporException.class, () -> get(client, peer));

            assertThat(refused.kind()).isEqualTo(ErrorKind.TOO_MANY_REQUESTS);
            assertThat(refused.getMessage()).contains("edge-b").contains(MAX + " requests");
            assertThat(arrived.get()).isEqualTo(MAX);
            release.countDown();
            held.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(204));
            assertThat(get(client, peer).statusCode()).isEqualTo(204);
        } finally {
            release.countDown();
            server.stop(0);
            threads.shutdownNow();
        }
    }

    private static HttpResponse<byte[]> get(PeerClient client, PeerNode peer) {
        return client.send(peer, "GET", "/", Map.of(), null, Duration.ofMinutes(1));
    }
}
