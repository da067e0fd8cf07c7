package dev.torpor.api;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * A loopback HTTP server that answers every request with one canned response and keeps the last request body, plus
 * a real AWS SDK client pointed at it: what the SDK makes of our JSON is what every Lambda client will. Register it
 * as a static {@code @RegisterExtension} field; it stops after the test class.
 */
public final class FakeLambdaEndpoint implements AfterAllCallback {
    private final HttpServer server;
    private final LambdaClient client;
    private volatile int status = 200;
    private volatile Map<String, String> headers = Map.of();
    private volatile byte[] body = "{}".getBytes();
    private volatile byte[] lastRequestBody;
    private final AtomicInteger requests = new AtomicInteger();

    public FakeLambdaEndpoint() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody(); exchange) {
                lastRequestBody = in.readAllBytes();
                requests.incrementAndGet();
                headers.forEach(exchange.getResponseHeaders()::add);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        client = SdkClients.lambda(uri(), Region.EU_WEST_1);
    }

    public void respond(int status, Map<String, String> headers, byte[] body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** How many requests reached the endpoint so far. */
    public int requests() {
        return requests.get();
    }

    public LambdaClient client() {
        return client;
    }

    public byte[] lastRequestBody() {
        return lastRequestBody;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        client.close();
        server.stop(0);
    }
}
