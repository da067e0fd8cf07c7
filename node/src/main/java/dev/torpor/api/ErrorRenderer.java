package dev.torpor.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place that turns a failure into Lambda's error response, as the Runtime Interface Emulator's
 * {@code rendering/render_error.go} does: every {@link ErrorKind} has one HTTP status and Lambda error type. AWS SDKs
 * take the exception class from the {@code X-Amzn-ErrorType} header and the message from the body's {@code Message};
 * {@code Type} says whose fault it is ({@code User} or {@code Service}), as Lambda's own responses do.
 */
public final class ErrorRenderer {
    public static final String ERROR_TYPE_HEADER = "X-Amzn-ErrorType";
    public static final String CONTENT_TYPE = "application/json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorRenderer() {}

    /** Any failure of a request: a {@link TorporException}, an unreadable JSON body, or a bug (500). */
    public static RenderedError render(Throwable failure) {
        Throwable f = failure;
        while ((f instanceof CompletionException || f instanceof ExecutionException) && f.getCause() != null
                || f instanceof JsonMappingException && f.getCause() instanceof TorporException) {
            f = f.getCause(); // a record that refused its own values while Jackson built it says best what was wrong
        }
        return switch (f) {
            case TorporException e -> render(e.kind(), e.detail());
            case JsonProcessingException e -> render(ErrorKind.INVALID_REQUEST_CONTENT,
                    "Could not parse request body into json: " + e.getOriginalMessage());
            default -> render(ErrorKind.FAILED, String.valueOf(f));
        };
    }

    private static RenderedError render(ErrorKind kind, String message) {
        return switch (kind) {
            case NOT_FOUND -> user(kind, 404, "ResourceNotFoundException", message);
            case ALREADY_EXISTS, CONFLICT -> user(kind, 409, "ResourceConflictException", message);
            case INVALID_PARAMETER -> user(kind, 400, "InvalidParameterValueException", message);
            case INVALID_REQUEST_CONTENT -> user(kind, 400, "InvalidRequestContentException", message);
            case REQUEST_TOO_LARGE -> user(kind, 413, "RequestTooLargeException", message);
            // Lambda's own type for CreateFunction and UpdateFunctionCode; its SDK models have no class for it.
            case CODE_TOO_LARGE -> user(kind, 413, "RequestEntityTooLargeException", message);
            case PRECONDITION_FAILED -> user(kind, 412, "PreconditionFailedException", message);
            // Lambda has no type for an operation a service lacks; this one names it and is not retried.
            case UNSUPPORTED_OPERATION -> user(kind, 400, "UnsupportedOperationException", message);
            // Torpor throttles per function: every instance its reserved concurrency allows is busy (also when the
            // admission wait for one ran out: that is a throttle, not a timeout).
            case TOO_MANY_REQUESTS -> rendered(kind, 429, "TooManyRequestsException", "User", message,
                    "ReservedFunctionConcurrentInvocationLimitExceeded");
            // Lambda's error for a function that exists but cannot run yet; SDKs retry a 502.
            case RESOURCE_NOT_READY -> service(kind, 502, "ResourceNotReadyException", message);
            // Lambda has no error type of its own for a service that is briefly away: ServiceException, with the 503
            // that tells SDKs and proxies to retry.
            case SERVICE_UNAVAILABLE -> service(kind, 503, "ServiceException", message);
            // A runc or CRIU call, a transfer that hung: an internal failure to Lambda (Torpor has no SnapStart, so
            // never SnapStartTimeoutException); SDKs retry a 500.
            case OPERATION_TIMEOUT, FAILED -> service(kind, 500, "ServiceException", message);
            // Retrying on this node cannot help; the caller must pick another node or drop the image.
            case INCOMPATIBLE_IMAGE -> user(kind, 409, "ResourceConflictException", message);
            // Lambda's refusals of a request that is not signed, or signed by a key or a secret the node does not accept.
            case MISSING_AUTHENTICATION -> user(kind, 403, "MissingAuthenticationTokenException", message);
            case UNRECOGNIZED_CLIENT -> user(kind, 403, "UnrecognizedClientException", message);
            case INVALID_SIGNATURE -> user(kind, 403, "InvalidSignatureException", message);
            // Lambda's refusal of a caller who is known but may not do this; X-Torpor-Error-Kind says NOT_A_MEMBER.
            case NOT_A_MEMBER -> user(kind, 403, "AccessDeniedException", message);
        };
    }

    private static RenderedError user(ErrorKind kind, int status, String errorType, String message) {
        return rendered(kind, status, errorType, "User", message, null);
    }

    private static RenderedError service(ErrorKind kind, int status, String errorType, String message) {
        return rendered(kind, status, errorType, "Service", message, null);
    }

    private static RenderedError rendered(ErrorKind kind, int status, String errorType, String type, String message, String reason) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("Type", type);
        body.put("Message", message);
        if (reason != null) body.put("Reason", reason);
        try {
            return new RenderedError(status, errorType, kind, JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A map of strings always serializes", e);
        }
    }
}
