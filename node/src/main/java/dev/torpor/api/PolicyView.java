package dev.torpor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.torpor.function.SuspendPolicy;

/**
 * A function's suspend policy on {@code /torpor/v1/functions/{name}/policy}: {@code suspend} is none, pause or
 * checkpoint. In a PUT either field may be left out (null) to keep the current value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyView(String suspend, Long idleMs) {
    public static PolicyView of(SuspendPolicy p) {
        return new PolicyView(p.mode().tagValue(), p.idle().toMillis());
    }
}
