package dev.torpor.runtimeapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.function.InvocationResult;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that shapes errors of the Runtime API side: the answers the function's runtime gets to a request
 * refused, and the {@code {errorMessage, errorType}} payloads of invocations that failed because the runtime did
 * (Lambda answers those with 200 and {@code X-Amz-Function-Error: Unhandled}, so an SDK sees a {@code FunctionError}).
 * A function's own error payload is passed on as it sent it.
 */
public final class RuntimeApiRenderer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter LAMBDA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private RuntimeApiRenderer() {}

    /** The function ran past its Timeout: Lambda's body has the message alone, no errorType. */
    public static InvocationResult timedOut(Instant at, String requestId, int timeoutSeconds) {
        return InvocationResult.unhandled(payload(null, String.format("%s %s Task timed out after %d.00 seconds",
                LAMBDA_TIME.format(at), requestId, timeoutSeconds)));
    }

    /** The function could not be started, so never got the event. */
    public static InvocationResult initError(String why) {
        return InvocationResult.unhandled(payload("Runtime.InitError", why));
    }

    static InvocationResult exitError(int status) {
        return InvocationResult.unhandled(payload("Runtime.ExitError", "RequestId: process exited with status " + status));
    }

    static InvocationResult responseTooLarge(int maxBytes) {
        return InvocationResult.unhandled(payload("Function.ResponseSizeTooLarge",
                "Response payload size exceeded maximum allowed payload size (" + maxBytes + " bytes)."));
    }

    /** The Runtime API's acknowledgement of a response, an error or an init error. */
    static Frame accepted(String relayRequestId) {
        return frame(relayRequestId, 202, "Accepted", Map.of("status", "OK"));
    }

    static Frame invalidPath(String relayRequestId, String path) {
        return refusal(relayRequestId, 404, "Not Found", "InvalidPath", "no such Runtime API path: " + path);
    }

    static Frame invalidRequestId(String relayRequestId, String requestId) {
        return refusal(relayRequestId, 400, "Bad Request", "InvalidRequestID", "no event " + requestId + " is in flight");
    }

    static Frame responseTooLarge(String relayRequestId, int maxBytes) {
        return refusal(relayRequestId, 413, "Request Entity Too Large", "RequestEntityTooLarge", "response over " + maxBytes + " bytes");
    }

    private static Frame refusal(String relayRequestId, int status, String reason, String errorType, String message) {
        return frame(relayRequestId, status, reason, body(errorType, message));
    }

    private static Frame frame(String relayRequestId, int status, String reason, Map<String, String> body) {
        return new Frame("RESPONSE " + relayRequestId + " " + status + " " + reason,
                Map.of("Content-Type", "application/json"), json(body));
    }

    private static byte[] payload(String errorType, String message) {
        return json(body(errorType, message));
    }

    private static Map<String, String> body(String errorType, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("errorMessage", message);
        if (errorType != null) body.put("errorType", errorType);
        return body;
    }

    private static byte[] json(Map<String, String> value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A map of strings always serializes", e);
        }
    }
}
