package dev.torpor.api.lambda;

import dev.torpor.function.FunctionRules;
import java.util.Map;

/** Lambda's {@code Environment} object, in requests and in FunctionConfiguration alike. */
@LambdaShape
public record Environment(Map<String, String> variables) {
    public Environment {
        variables = variables == null ? Map.of() : Map.copyOf(variables);
    }

    Environment validated() {
        FunctionRules.environment(variables);
        return this;
    }
}
