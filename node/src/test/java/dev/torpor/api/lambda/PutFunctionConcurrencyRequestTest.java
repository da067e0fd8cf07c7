package dev.torpor.api.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.TorporException;
import org.junit.jupiter.api.Test;

class PutFunctionConcurrencyRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void acceptsZeroAndMore() throws Exception {
        assertThat(JSON.readValue("{\"ReservedConcurrentExecutions\":0}", PutFunctionConcurrencyRequest.class)
                        .validated().reservedConcurrentExecutions())
                .isZero();
        assertThat(new PutFunctionConcurrencyRequest(4).validated().reservedConcurrentExecutions()).isEqualTo(4);
    }

    @Test
    void refusesNegativeOrMissing() {
        assertThat(catchThrowableOfType(TorporException.class, new PutFunctionConcurrencyRequest(-1)::validated).getMessage())
                .contains("Value '-1' at 'reservedConcurrentExecutions' failed to satisfy constraint: "
                        + "Member must have value greater than or equal to 0");
        assertThat(catchThrowableOfType(TorporException.class, new PutFunctionConcurrencyRequest(null)::validated).getMessage())
                .contains("at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null");
    }
}
