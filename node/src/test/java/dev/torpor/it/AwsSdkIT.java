package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.api.SdkClients;
import java.net.URI;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidRequestContentException;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.State;

/** The official AWS SDK for Java v2 drives a real node through a function's whole life, unchanged but for the endpoint. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AwsSdkIT extends RealNodeCase {

    @Test
    void theSdkCreatesInvokesThrottlesAndDeletesAFunction() throws Exception {
        byte[] zip = TestNode.zipOf(TestNode.EXAMPLES.resolve("counter-python"));
        try (LambdaClient lambda = SdkClients.lambda(URI.create(node.endpoint()), Region.US_EAST_1)) {
            var created = lambda.createFunction(r -> r.functionName("counter").runtime(Runtime.PROVIDED_AL2023)
                    .handler("none").role("arn:aws:iam::000000000000:role/test").memorySize(128).timeout(30)
                    .code(c -> c.zipFile(SdkBytes.fromByteArray(zip)))
                    .environment(e -> e.variables(Map.of("BALLAST_MB", "1")))
                    .tags(Map.of("torpor:suspend", "none")));
            assertThat(created.functionArn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:counter");
            assertThat(created.state()).isEqualTo(State.ACTIVE);
            assertThat(created.codeSha256()).isEqualTo(Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(zip)));
            assertThat(created.codeSize()).isEqualTo(zip.length);

            var got = lambda.getFunction(r -> r.functionName("counter"));
            assertThat(got.configuration().memorySize()).isEqualTo(128);
            assertThat(got.configuration().environment().variables()).isEqualTo(Map.of("BALLAST_MB", "1"));
            assertThat(got.tags()).containsEntry("torpor:suspend", "none");
            assertThat(lambda.listFunctions().functions()).extracting(f -> f.functionName()).containsExactly("counter");

            JsonNode first = payload(lambda.invoke(r -> r.functionName("counter").payload(SdkBytes.fromUtf8String("{\"n\":1}"))));
            JsonNode second = payload(lambda.invoke(r -> r.functionName(created.functionArn()).payload(SdkBytes.fromUtf8String("{\"n\":2}"))));
            assertThat(first.get("count").asInt()).isEqualTo(1);
            assertThat(second.get("count").asInt()).isEqualTo(2);
            assertThat(second.get("echo").get("n").asInt()).isEqualTo(2);
            assertThat(second.get("pid").asInt()).isEqualTo(first.get("pid").asInt());

            assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("nobody").payload(SdkBytes.fromUtf8String("{}"))))
                    .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("Function not found");
            assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("counter").payload(SdkBytes.fromUtf8String("n=3"))))
                    .as("Lambda takes JSON events only").isInstanceOf(InvalidRequestContentException.class)
                    .hasMessageContaining("Could not parse payload into json");

            assertThat(lambda.putFunctionConcurrency(r -> r.functionName("counter").reservedConcurrentExecutions(1))
                    .reservedConcurrentExecutions()).isEqualTo(1);
            assertThat(lambda.getFunctionConcurrency(r -> r.functionName("counter")).reservedConcurrentExecutions()).isEqualTo(1);
            assertThat(payload(lambda.invoke(r -> r.functionName("counter"))).get("count").asInt())
                    .as("the running instance keeps serving under its new concurrency").isEqualTo(3);

            lambda.deleteFunction(r -> r.functionName("counter"));
            assertThat(lambda.listFunctions().functions()).isEmpty();
            assertThatThrownBy(() -> lambda.getFunction(r -> r.functionName("counter"))).isInstanceOf(ResourceNotFoundException.class);
            assertThat(node.containers()).isEmpty();
        }
    }

    private static JsonNode payload(InvokeResponse r) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.functionError()).as(r.payload().asUtf8String()).isNull();
        assertThat(r.executedVersion()).isEqualTo("$LATEST");
        return TestNode.json(r.payload().asUtf8String());
    }
}
