package dev.torpor.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.io.InputStream;
import dev.torpor.auth.RequestSigner;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * This node speaking to another's API, errors turned back into the kinds the peer reported: plain HTTP, or in a
 * cluster with certificates mutual TLS, presenting this node's certificate and trusting only the cluster CA.
 */
public final class PeerClient {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /**
     * Requests in flight to all peers at once, and so connections (HTTP/1.1 carries one exchange at a time; idle
     * ones are dropped after the client's keep-alive timeout). Forwarded invocations hold theirs for as long as
     * the function runs; past this many, callers wait a little and are then refused rather than open sockets
     * without end (the audit's two nodes piled up 5,240 of them).
     */
    private static final int MAX_IN_FLIGHT = 64;
    private static final Duration QUEUE_WAIT = Duration.ofSeconds(5);

    private final HttpClient.Builder httpBuilder;
    /**
     * Built on first use: the client loads the JDK's TLS stack and trust store even for plain HTTP (~400 classes,
     * ~4 MiB resident), which a node that never speaks to a peer should not pay for.
     */
    private HttpClient http;
    /** The node's own key, on a node whose peers check signatures. */
    private final Optional<RequestSigner> signer;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final Duration queueWait;

    public PeerClient(Optional<RequestSigner> signer, Optional<SSLContext> mutualTls) {
        this(signer, mutualTls, MAX_IN_FLIGHT, QUEUE_WAIT);
    }

    PeerClient(Optional<RequestSigner> signer, Optional<SSLContext> mutualTls, int maxInFlight, Duration queueWait) {
        this.httpBuilder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
        mutualTls.ifPresent(httpBuilder::sslContext);
        this.signer = signer;
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        this.queueWait = queueWait;
    }

    /** A raw exchange: what callers that relay a response (forwarded invocations) need; {@code body} null for none. */
    public HttpResponse<byte[]> send(PeerNode peer, String method, String path, Map<String, String> headers,
                                     byte[] body, Duration timeout) {
        return send(peer, method, path, headers, body == null ? new byte[0] : body,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body), timeout);
    }

    /** {@code signedBody} null: a body streamed while it is made, sent unsigned (its path, headers and key still are). */
    private HttpResponse<byte[]> send(PeerNode peer, String method, String path, Map<String, String> headers,
                                      byte[] signedBody, HttpRequest.BodyPublisher body, Duration timeout) {
        URI uri = peer.endpoint().resolve(path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).method(method, body);
        headers.forEach(b::header);
        signer.ifPresent(s -> s.headers(method, uri, signedBody).forEach(b::header));
        try {
            if (!inFlight.tryAcquire(queueWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TorporException(ErrorKind.TOO_MANY_REQUESTS, "node " + peer.id() + " not asked: "
                        + maxInFlight + " requests to other nodes are already under way");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TorporException(ErrorKind.FAILED, "interrupted before talking to node " + peer.id(), e);
        }
        try {
            return http().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new TorporException(ErrorKind.SERVICE_UNAVAILABLE, "node " + peer.id() + " (" + peer.endpoint() + ") is not reachable", e);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "node " + peer.id() + " broke off: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TorporException(ErrorKind.SERVICE_UNAVAILABLE, "interrupted talking to node " + peer.id(), e);
        } finally {
            inFlight.release();
        }
    }

    /** A JSON call whose error answers become TorporExceptions of the same kind. */
    public JsonNode call(PeerNode peer, String method, String path, Object body, Duration timeout) {
        try {
            byte[] bytes = body == null ? null : JSON.writeValueAsBytes(body);
            return parse(peer, send(peer, method, path, Map.of("Content-Type", "application/json"), bytes, timeout));
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot encode a request to node " + peer.id(), e);
        }
    }

    /** Streams a body produced while it is sent (an image being archived), never holding it whole. */
    public JsonNode stream(PeerNode peer, String path, Map<String, String> headers, Supplier<InputStream> body, Duration timeout) {
        return parse(peer, send(peer, "POST", path, headers, null, HttpRequest.BodyPublishers.ofInputStream(body), timeout));
    }

    private synchronized HttpClient http() {
        if (http == null) http = httpBuilder.build();
        return http;
    }

    /** The kind the peer threw, as its API names it; FAILED for an answer from something else on the way. */
    private static ErrorKind kind(HttpResponse<byte[]> r) {
        String name = r.headers().firstValue(ErrorKind.HEADER).orElse("");
        return Arrays.stream(ErrorKind.values()).filter(k -> k.name().equals(name)).findFirst().orElse(ErrorKind.FAILED);
    }

    private static JsonNode parse(PeerNode peer, HttpResponse<byte[]> r) {
        try {
            JsonNode json = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
            if (r.statusCode() < 300) return json;
            String message = json.path("Message").asText(json.toString());
            throw new TorporException(kind(r), "node " + peer.id() + ": " + message);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "node " + peer.id() + " answered " + r.statusCode() + " with no JSON", e);
        }
    }
}
