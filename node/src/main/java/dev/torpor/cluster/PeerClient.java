package dev.torpor.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** This node speaking to another's API: plain HTTP, errors turned back into the kinds the peer reported. */
public final class PeerClient {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final Map<String, ErrorKind> KINDS = Map.of(
            "ResourceNotFoundException", ErrorKind.NOT_FOUND,
            "ResourceConflictException", ErrorKind.CONFLICT,
            "InvalidParameterValueException", ErrorKind.INVALID_PARAMETER,
            "TooManyRequestsException", ErrorKind.TOO_MANY_REQUESTS,
            "RequestTooLargeException", ErrorKind.REQUEST_TOO_LARGE);

    /**
     * Requests in flight to all peers at once, and so connections (HTTP/1.1 carries one exchange at a time; idle
     * ones are dropped after the client's keep-alive timeout). Forwarded invocations hold theirs for as long as
     * the function runs; past this many, callers wait a little and are then refused rather than open sockets
     * without end (the audit's two nodes piled up 5,240 of them).
     */
    private static final int MAX_IN_FLIGHT = 64;
    private static final Duration QUEUE_WAIT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final Duration queueWait;

    public PeerClient() {
        this(MAX_IN_FLIGHT, QUEUE_WAIT);
    }

    PeerClient(int maxInFlight, Duration queueWait) {
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        this.queueWait = queueWait;
    }

    /** A raw exchange: what callers that relay a response (forwarded invocations) need. */
    public HttpResponse<byte[]> send(PeerNode peer, String method, String path, Map<String, String> headers,
                                     HttpRequest.BodyPublisher body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(peer.endpoint().resolve(path)).timeout(timeout).method(method, body);
        headers.forEach(b::header);
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
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new TorporException(ErrorKind.FAILED, "node " + peer.id() + " (" + peer.endpoint() + ") is not reachable", e);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "node " + peer.id() + " broke off: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TorporException(ErrorKind.FAILED, "interrupted talking to node " + peer.id(), e);
        } finally {
            inFlight.release();
        }
    }

    /** A JSON call whose error answers become TorporExceptions of the same kind. */
    public JsonNode call(PeerNode peer, String method, String path, Object body, Duration timeout) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
            return parse(peer, send(peer, method, path, Map.of("Content-Type", "application/json"), publisher, timeout));
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot encode a request to node " + peer.id(), e);
        }
    }

    /** Streams a body produced while it is sent (an image being archived), never holding it whole. */
    public JsonNode stream(PeerNode peer, String path, Map<String, String> headers, Supplier<InputStream> body, Duration timeout) {
        return parse(peer, send(peer, "POST", path, headers, HttpRequest.BodyPublishers.ofInputStream(body), timeout));
    }

    private static JsonNode parse(PeerNode peer, HttpResponse<byte[]> r) {
        try {
            JsonNode json = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
            if (r.statusCode() < 300) return json;
            String type = r.headers().firstValue("X-Amzn-ErrorType").orElse("ServiceException");
            String message = json.path("Message").asText(json.toString());
            throw new TorporException(KINDS.getOrDefault(type, ErrorKind.FAILED), "node " + peer.id() + ": " + message);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "node " + peer.id() + " answered " + r.statusCode() + " with no JSON", e);
        }
    }
}
