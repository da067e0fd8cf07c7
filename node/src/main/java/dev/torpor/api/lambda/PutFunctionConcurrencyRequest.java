package dev.torpor.api.lambda;

import dev.torpor.function.FunctionRules;

/** The body of Lambda's PutFunctionConcurrency. */
@LambdaShape
public record PutFunctionConcurrencyRequest(Integer reservedConcurrentExecutions) {

    /** @throws dev.torpor.TorporException INVALID_PARAMETER unless the value is present and not negative */
    public PutFunctionConcurrencyRequest validated() {
        if (reservedConcurrentExecutions == null) {
            throw FunctionRules.violation("reservedConcurrentExecutions", null, "not be null");
        }
        FunctionRules.range("reservedConcurrentExecutions", reservedConcurrentExecutions, 0, Integer.MAX_VALUE);
        return this;
    }
}
