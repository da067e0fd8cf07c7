package dev.torpor.api.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.TorporException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpdateFunctionConfigurationRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void leavesWhatIsNotSentNull() throws Exception {
        var r = JSON.readValue("{\"MemorySize\":512,\"Environment\":{\"Variables\":{\"AB\":\"1\"}},\"Role\":\"x\"}",
                        UpdateFunctionConfigurationRequest.class)
                .validated();

        assertThat(r.memorySize()).isEqualTo(512);
        assertThat(r.environment().variables()).isEqualTo(Map.of("AB", "1"));
        assertThat(r.timeout()).isNull();
        assertThat(r.description()).isNull();
        assertThat(r.handler()).isNull();
        assertThat(r.runtime()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"Timeout":901}                               | at 'timeout'
            {"MemorySize":64}                             | at 'memorySize'
            {"Runtime":"nodejs16.x"}                      | Runtime nodejs16.x is not supported
            {"Environment":{"Variables":{"AWS_LAMBDA_RUNTIME_API":"evil"}}} | Reserved keys used in this request: AWS_LAMBDA_RUNTIME_API
            """)
    void checksWhatIsSent(String body, String message) throws Exception {
        var request = JSON.readValue(body, UpdateFunctionConfigurationRequest.class);

        assertThat(catchThrowableOfType(TorporException.class, request::validated).getMessage()).contains(message);
    }
}
