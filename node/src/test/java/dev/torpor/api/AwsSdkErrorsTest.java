package dev.torpor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidRequestContentException;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.ThrottleReason;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/** Each rendered error reaches an AWS SDK for Java v2 caller as the Lambda exception class it names. */
@Timeout(30)
class AwsSdkErrorsTest {
    @RegisterExtension
    static final FakeLambdaEndpoint endpoint = new FakeLambdaEndpoint();

    private static LambdaException callWith(RenderedError error) {
        endpoint.respond(error.status(), error.headers(), error.body());
        return catchThrowableOfType(LambdaException.class, () -> endpoint.client().getFunction(r -> r.functionName("f")));
    }

    @ParameterizedTest
    @CsvSource({
        "NOT_FOUND,               ResourceNotFoundException",
        "ALREADY_EXISTS,          ResourceConflictException",
        "CONFLICT,                ResourceConflictException",
        "INVALID_PARAMETER,       InvalidParameterValueException",
        "INVALID_REQUEST_CONTENT, InvalidRequestContentException",
        "REQUEST_TOO_LARGE,       RequestTooLargeException",
        "PRECONDITION_FAILED,     PreconditionFailedException",
        "TOO_MANY_REQUESTS,       TooManyRequestsException",
        "RESOURCE_NOT_READY,      ResourceNotReadyException",
        "SERVICE_UNAVAILABLE,     ServiceException",
        "OPERATION_TIMEOUT,       ServiceException",
        "INCOMPATIBLE_IMAGE,      ResourceConflictException",
        "FAILED,                  ServiceException"
    })
    void theSdkThrowsTheNamedExceptionWithOurMessage(ErrorKind kind, String sdkClass) {
        LambdaException e = callWith(ErrorRenderer.render(new TorporException(kind, "what went wrong")));

        assertThat(e.getClass().getName()).isEqualTo("software.amazon.awssdk.services.lambda.model." + sdkClass);
        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("what went wrong");
        assertThat(e.statusCode()).isEqualTo(ErrorRenderer.render(new TorporException(kind, "")).status());
    }

    @ParameterizedTest
    @CsvSource({"MISSING_AUTHENTICATION, MissingAuthenticationTokenException",
        "CODE_TOO_LARGE, RequestEntityTooLargeException", "UNSUPPORTED_OPERATION, UnsupportedOperationException", "UNRECOGNIZED_CLIENT, UnrecognizedClientException",
        "INVALID_SIGNATURE, InvalidSignatureException", "NOT_A_MEMBER, AccessDeniedException"})
    void errorsWithoutAModelledClassReachTheSdkByTheirCode(ErrorKind kind, String errorCode) {
        LambdaException e = callWith(ErrorRenderer.render(new TorporException(kind, "refused")));

        assertThat(e.getClass()).as("the Lambda model has no class of its own for them").isEqualTo(LambdaException.class);
        assertThat(e.statusCode()).isEqualTo(ErrorRenderer.render(new TorporException(kind, "")).status());
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo(errorCode);
        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("refused");
    }

    @ParameterizedTest
    @CsvSource({
        "TOO_MANY_REQUESTS,   2",
        "RESOURCE_NOT_READY,  2",
        "SERVICE_UNAVAILABLE, 2",
        "OPERATION_TIMEOUT,   2",
        "FAILED,              2",
        "INVALID_PARAMETER,   1",
        "CONFLICT,            1",
        "NOT_FOUND,           1",
        "UNSUPPORTED_OPERATION, 1",
        "CODE_TOO_LARGE,      1"
    })
    void theSdkRetriesWhatMayPassAndNothingElse(ErrorKind kind, int attempts) {
        RenderedError error = ErrorRenderer.render(new TorporException(kind, "x"));
        endpoint.respond(error.status(), error.headers(), error.body());
        RetryStrategy once = AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(2)
                .backoffStrategy(BackoffStrategy.retryImmediately())
                .throttlingBackoffStrategy(BackoffStrategy.retryImmediately()).build();
        int before = endpoint.requests();

        try (LambdaClient retrying = SdkClients.lambda(endpoint.uri(), Region.EU_WEST_1, once)) {
            catchThrowableOfType(LambdaException.class, () -> retrying.getFunction(r -> r.functionName("f")));
        }

        assertThat(endpoint.requests() - before).isEqualTo(attempts);
    }

    @Test
    void theSdkSeesTypeAndThrottleReason() {
        var notFound = (ResourceNotFoundException) callWith(ErrorRenderer.render(TorporException.notFound("gone")));
        var throttled = (TooManyRequestsException) callWith(
                ErrorRenderer.render(new TorporException(ErrorKind.TOO_MANY_REQUESTS, "busy")));

        assertThat(notFound.type()).isEqualTo("User");
        assertThat(throttled.reason()).isEqualTo(ThrottleReason.RESERVED_FUNCTION_CONCURRENT_INVOCATION_LIMIT_EXCEEDED);
    }

    @Test
    void theSdkSeesInvalidRequestContent() throws Exception {
        Exception parseError = catchThrowableOfType(JsonProcessingException.class, () -> new ObjectMapper().readTree("{nope"));

        assertThat(callWith(ErrorRenderer.render(parseError))).isInstanceOf(InvalidRequestContentException.class);
    }
}
