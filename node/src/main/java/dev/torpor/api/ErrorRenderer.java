package dev.torpor.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place that turns a failure into Lambda's error response. AWS SDKs take the exception class from the
 * {@code X-Amzn-ErrorType} header and the message from the body's {@code Message}; {@code Type} says whose fault it
 * is ({@code User} or {@code Service}), as Lambda's own responses do.
 */
public final class ErrorRenderer {
    public static final String ERROR_TYPE_HEADER = "X-Amzn-ErrorType";
    public static final String CONTENT_TYPE = "application/json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorRenderer() {}

    /** Any failure of a request: a {@link TorporException}, an unreadable JSON body, or a bug (500). */
    public static RenderedError render(Throwable failure) {
        Throwable f = failure;
        while ((f instanceof CompletionException || f instanceof ExecutionException) && f.getCause() != null) {
            f = f.getCause();
        }
        return switch (f) {
            case TorporException e -> render(e.kind(), e.detail());
            case JsonProcessingException e -> rendered(400, "InvalidRequestContentException", "User",
                    "Could not parse request body into json: " + e.getOriginalMessage(), null);
            default -> rendered(500, "ServiceException", "Service", String.valueOf(f), null);
        };
    }

    private static RenderedError render(ErrorKind kind, String message) {
        return switch (kind) {
            case NOT_FOUND -> rendered(404, "ResourceNotFoundException", "User", message, null);
            case ALREADY_EXISTS, CONFLICT -> rendered(409, "ResourceConflictException", "User", message, null);
            case INVALID_PARAMETER -> rendered(400, "InvalidParameterValueException", "User", message, null);
            case REQUEST_TOO_LARGE -> rendered(413, "RequestTooLargeException", "User", message, null);
            // Torpor throttles per function: every instance its reserved concurrency allows is busy.
            case TOO_MANY_REQUESTS -> rendered(429, "TooManyRequestsException", "User", message,
                    "ReservedFunctionConcurrentInvocationLimitExceeded");
            // Lambda's error for a snapshot not restored in time: here a checkpoint restore or a start that took too long.
            case TIMEOUT -> rendered(408, "SnapStartTimeoutException", "Service", message, null);
            // Retrying on this node cannot help; the caller must pick another node or drop the image.
            case INCOMPATIBLE_IMAGE -> rendered(409, "ResourceConflictException", "User", message, null);
            case MISSING_AUTHENTICATION -> rendered(403, "MissingAuthenticationTokenException", "User", message, null);
            case UNRECOGNIZED_CLIENT -> rendered(403, "UnrecognizedClientException", "User", message, null);
            case INVALID_SIGNATURE -> rendered(403, "InvalidSignatureException", "User", message, null);
            case FAILED -> rendered(500, "ServiceException", "Service", message, null);
        };
    }

    private static RenderedError rendered(int status, String errorType, String type, String message, String reason) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("Type", type);
        body.put("Message", message);
        if (reason != null) body.put("Reason", reason);
        try {
            return new RenderedError(status, errorType, JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A map of strings always serializes", e);
        }
    }
}
