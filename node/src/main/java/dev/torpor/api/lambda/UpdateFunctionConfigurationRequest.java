package dev.torpor.api.lambda;

/**
 * The body of Lambda's UpdateFunctionConfiguration: a null field keeps the function's current value. Role and the
 * settings Torpor has no use for are ignored.
 */
@LambdaShape
public record UpdateFunctionConfigurationRequest(
        String description, Integer timeout, Integer memorySize, Environment environment, String handler, String runtime) {

    /** @throws dev.torpor.TorporException INVALID_PARAMETER if a given value breaks Lambda's rules */
    public UpdateFunctionConfigurationRequest validated() {
        if (timeout != null) Constraints.timeout(timeout);
        if (memorySize != null) Constraints.memorySize(memorySize);
        if (environment != null) environment.validated();
        if (runtime != null) Constraints.runtime(runtime);
        return this;
    }
}
