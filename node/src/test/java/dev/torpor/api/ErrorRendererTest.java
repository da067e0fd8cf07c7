package dev.torpor.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.api.lambda.CreateFunctionRequest;
import dev.torpor.checkpoint.Recipe;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ErrorRendererTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource({
        "NOT_FOUND,               404, ResourceNotFoundException,      User",
        "ALREADY_EXISTS,          409, ResourceConflictException,      User",
        "CONFLICT,                409, ResourceConflictException,      User",
        "INVALID_PARAMETER,       400, InvalidParameterValueException, User",
        "INVALID_REQUEST_CONTENT, 400, InvalidRequestContentException, User",
        "REQUEST_TOO_LARGE,       413, RequestTooLargeException,       User",
        "CODE_TOO_LARGE,          413, RequestEntityTooLargeException, User",
        "PRECONDITION_FAILED,     412, PreconditionFailedException,    User",
        "UNSUPPORTED_OPERATION,   400, UnsupportedOperationException,  User",
        "MISSING_AUTHENTICATION,  403, MissingAuthenticationTokenException, User",
        "UNRECOGNIZED_CLIENT,     403, UnrecognizedClientException,    User",
        "INVALID_SIGNATURE,       403, InvalidSignatureException,      User",
        "NOT_A_MEMBER,            403, AccessDeniedException,          User",
        "RESOURCE_NOT_READY,      502, ResourceNotReadyException,      Service",
        "SERVICE_UNAVAILABLE,     503, ServiceException,               Service",
        "OPERATION_TIMEOUT,       500, ServiceException,               Service",
        "INCOMPATIBLE_IMAGE,      409, ResourceConflictException,      User",
        "FAILED,                  500, ServiceException,               Service"
    })
    void mapsEveryKindToLambdasStatusAndType(ErrorKind kind, int status, String errorType, String type) throws Exception {
        RenderedError r = ErrorRenderer.render(new TorporException(kind, "what went wrong"));

        assertThat(r.status()).isEqualTo(status);
        assertThat(r.errorType()).isEqualTo(errorType);
        assertThat(new String(r.body(), UTF_8))
                .isEqualTo("{\"Type\":\"" + type + "\",\"Message\":\"what went wrong\"}");
    }

    @ParameterizedTest
    @EnumSource(ErrorKind.class)
    void everyKindIsRenderedAndNamedForPeers(ErrorKind kind) {
        RenderedError r = ErrorRenderer.render(new TorporException(kind, "x"));

        assertThat(r.kind()).isEqualTo(kind);
        assertThat(r.headers()).containsEntry(ErrorKind.HEADER, kind.name())
                .containsEntry(ErrorRenderer.ERROR_TYPE_HEADER, r.errorType())
                .containsEntry("Content-Type", "application/json");
        assertThat(r.errorType()).as("never SnapStart's: Torpor has none").isNotEqualTo("SnapStartTimeoutException");
    }

    @Test
    void aThrottleSaysWhy() throws Exception {
        RenderedError r = ErrorRenderer.render(new TorporException(ErrorKind.TOO_MANY_REQUESTS, "all instances busy"));

        assertThat(r.status()).isEqualTo(429);
        assertThat(r.errorType()).isEqualTo("TooManyRequestsException");
        assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree("""
                {"Type":"User","Message":"all instances busy",
                 "Reason":"ReservedFunctionConcurrentInvocationLimitExceeded"}"""));
    }

    @Test
    void anUnreadableBodyIsInvalidRequestContent() throws Exception {
        Exception parseError = catchException(() -> JSON.readValue("{\"FunctionName\": oops", CreateFunctionRequest.class));

        RenderedError r = ErrorRenderer.render(parseError);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorType()).isEqualTo("InvalidRequestContentException");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("Type").asText()).isEqualTo("User");
        assertThat(body.get("Message").asText()).startsWith("Could not parse request body into json: Unrecognized token 'oops'");
    }

    @Test
    void aWrongTypeIsInvalidRequestContentToo() throws Exception {
        Exception mismatch = catchException(() -> JSON.readValue("{\"Timeout\":\"soon\"}", CreateFunctionRequest.class));

        assertThat(ErrorRenderer.render(mismatch).errorType()).isEqualTo("InvalidRequestContentException");
    }

    /** A record that refuses its own values while Jackson builds it (a Recipe naming a file twice) is refused in its own words. */
    @Test
    void aRefusalInsideTheParserIsTheRefusalItself() throws Exception {
        Exception refused = catchException(() -> JSON.readValue("""
                {"files": [{"name": "pages-1.img", "size": 0, "chunks": []}, {"name": "pages-1.img", "size": 0, "chunks": []}]}""",
                Recipe.class));

        RenderedError r = ErrorRenderer.render(refused);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorType()).isEqualTo("InvalidParameterValueException");
        assertThat(JSON.readTree(r.body()).get("Message").asText()).isEqualTo("a recipe lists a file twice");
    }

    @Test
    void theToolsOwnWordsReachTheMessage() throws Exception {
        var e = new TorporException(ErrorKind.FAILED, "runc restore failed", 1, "criu: cannot restore\n", null);

        assertThat(JSON.readTree(ErrorRenderer.render(e).body()).get("Message").asText())
                .isEqualTo("runc restore failed: criu: cannot restore");
    }

    @Test
    void seesThroughAsyncWrappersAndCallsAnythingElseAServiceError() throws Exception {
        RenderedError wrapped = ErrorRenderer.render(new CompletionException(TorporException.notFound("gone")));
        RenderedError bug = ErrorRenderer.render(new IllegalStateException("bug"));

        assertThat(wrapped.status()).isEqualTo(404);
        assertThat(bug.status()).isEqualTo(500);
        assertThat(bug.errorType()).isEqualTo("ServiceException");
        assertThat(JSON.readTree(bug.body())).isEqualTo(JSON.readTree(
                "{\"Type\":\"Service\",\"Message\":\"java.lang.IllegalStateException: bug\"}"));
    }
}
