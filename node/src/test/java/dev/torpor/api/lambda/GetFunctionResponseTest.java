package dev.torpor.api.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.function.FunctionDefinition;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GetFunctionResponseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void carriesCodeLocationTagsAndReservedConcurrency() throws Exception {
        var response = GetFunctionResponse.of(TestFunctions.hello(Map.of(), Map.of("team", "edge"), 3),
                "eu-west-1", "123456789012", "http://node:9000/code/hello");

        JsonNode json = JSON.valueToTree(response);

        assertThat(json.get("Configuration").get("FunctionName").asText()).isEqualTo("hello");
        assertThat(json.get("Code")).isEqualTo(JSON.readTree(
                "{\"RepositoryType\":\"Torpor\",\"Location\":\"http://node:9000/code/hello\"}"));
        assertThat(json.get("Tags")).isEqualTo(JSON.readTree("{\"team\":\"edge\"}"));
        assertThat(json.get("Concurrency")).isEqualTo(JSON.readTree("{\"ReservedConcurrentExecutions\":3}"));
    }

    @Test
    void leavesOutConcurrencyNeverSetAndEmptyTags() {
        JsonNode json = JSON.valueToTree(
                GetFunctionResponse.of(TestFunctions.hello(Map.of(), Map.of(), FunctionDefinition.UNRESERVED), "eu-west-1",
                        "123456789012", "u"));

        assertThat(json.has("Concurrency")).isFalse();
        assertThat(json.has("Tags")).isFalse();
    }
}
