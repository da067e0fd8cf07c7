package dev.torpor.api.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionConfigurationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writesExactlyTheFieldsLambdaWrites() throws Exception {
        var config = FunctionConfiguration.of(
                TestFunctions.hello(Map.of("GREETING", "hi"), Map.of(), 0), "eu-west-1", "123456789012");

        JsonNode json = JSON.readTree(JSON.writeValueAsString(config));

        assertThat(json).isEqualTo(JSON.readTree("""
                {"FunctionName":"hello",
                 "FunctionArn":"arn:aws:lambda:eu-west-1:123456789012:function:hello",
                 "Runtime":"provided.al2023",
                 "Role":"arn:aws:iam::123456789012:role/torpor",
                 "Handler":"function.handler",
                 "CodeSize":1234,
                 "Description":"says hi",
                 "Timeout":30,
                 "MemorySize":256,
                 "LastModified":"2026-11-22T11:01:19.123+0000",
                 "CodeSha256":"q83vEjRWeJq8",
                 "Version":"$LATEST",
                 "Environment":{"Variables":{"GREETING":"hi"}},
                 "RevisionId":"rev-2",
                 "State":"Active",
                 "LastUpdateStatus":"Successful",
                 "PackageType":"Zip",
                 "Architectures":["%s"]}""".formatted(NodeArchitecture.CURRENT)));
    }

    @Test
    void leavesOutAnEmptyEnvironmentAndAMissingHandlerButNotTheDescription() {
        JsonNode json = JSON.valueToTree(FunctionConfiguration.of(TestFunctions.named("bare"), "eu-west-1", "123456789012"));

        assertThat(json.has("Environment")).isFalse();
        assertThat(json.has("Handler")).isFalse();
        assertThat(json.get("Description").asText()).isEmpty();
    }
}
