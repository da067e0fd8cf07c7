package dev.torpor.api.lambda;

import dev.torpor.function.FunctionRules;

/**
 * The body of Lambda's UpdateFunctionConfiguration: a null field keeps the function's current value; a RevisionId
 * makes the update conditional on it. Role and the settings Torpor has no use for are ignored.
 */
@LambdaShape
public record UpdateFunctionConfigurationRequest(String description, Integer timeout, Integer memorySize,
        Environment environment, String handler, String runtime, String revisionId) {

    /** @throws dev.torpor.TorporException INVALID_PARAMETER if a given value breaks Lambda's rules */
    public UpdateFunctionConfigurationRequest validated() {
        if (timeout != null) FunctionRules.timeout(timeout);
        if (memorySize != null) FunctionRules.memorySize(memorySize);
        if (environment != null) environment.validated();
        if (runtime != null) FunctionRules.runtime(runtime);
        return this;
    }
}
