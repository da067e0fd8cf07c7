package dev.torpor.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The audit's hang: pipe readers stuck on silent processes must leave the API's virtual threads their carriers. */
class PipeReadersTest {
    private final List<Process> silent = new ArrayList<>();

    @AfterEach
    void endProcesses() {
        silent.forEach(p -> ProcessTree.kill(p.toHandle()));
    }

    @Test
    void manyStuckPipeReadersLeaveTheApiAnswering() throws Exception {
        int stuck = 8 * Runtime.getRuntime().availableProcessors();
        List<CompletableFuture<String>> outputs = new ArrayList<>();
        for (int i = 0; i < stuck; i++) {
            Process p = new ProcessBuilder("sleep", "600").start();
            silent.add(p);
            outputs.add(PipeReaders.drain(p.getInputStream(), "stuck-" + i));
        }
        List<Thread> readers = new ArrayList<>();
        Thread.getAllStackTraces().keySet().forEach(t -> {
            if (t.getName().startsWith("stuck-")) readers.add(t);
        });
        assertThat(readers).hasSize(stuck).noneMatch(Thread::isVirtual).allMatch(Thread::isDaemon);

        ExecutorService api = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(api);
        server.createContext("/", exchange -> {
            byte[] body = "served".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")).timeout(Duration.ofMinutes(1)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(answer.body()).isEqualTo("served");
            assertThat(outputs).noneMatch(CompletableFuture::isDone);
        } finally {
            server.stop(0);
            api.shutdownNow();
        }
    }

    @Test
    void aCopyEndsWithTheProcessAndKeepsAllItWrote() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "echo one; echo two").start();
        var sink = new java.io.ByteArrayOutputStream();

        PipeReaders.copy(p.getInputStream(), sink, "copy-test").join();

        assertThat(sink.toString()).isEqualTo("one\ntwo\n");
    }
}
