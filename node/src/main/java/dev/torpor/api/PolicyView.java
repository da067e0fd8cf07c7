package dev.torpor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.torpor.function.FunctionDefinition;

/**
 * A function's policy on {@code /torpor/v1/functions/{name}/policy}: {@code suspend} is none, pause or checkpoint,
 * {@code network} none or outbound. In a PUT any field may be left out (null) to keep the current value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyView(String suspend, Long idleMs, String network) {
    public static PolicyView of(FunctionDefinition fn) {
        return new PolicyView(fn.suspendPolicy().mode().tagValue(), fn.suspendPolicy().idle().toMillis(), fn.networkMode().tagValue());
    }
}
