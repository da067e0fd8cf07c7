package dev.torpor.api.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.api.FakeLambdaEndpoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.PackageType;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.State;

/** The official AWS SDK for Java v2 reads what we write and writes what we read. */
@Timeout(30)
class AwsSdkShapesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final FakeLambdaEndpoint endpoint = new FakeLambdaEndpoint();

    @Test
    void sdkReadsGetFunction() throws Exception {
        var ours = dev.torpor.api.lambda.GetFunctionResponse.of(
                TestFunctions.hello(Map.of("GREETING", "hi"), Map.of("team", "edge"), 2),
                "eu-west-1", "123456789012", "http://node/code/hello");
        endpoint.respond(200, Map.of(), JSON.writeValueAsBytes(ours));

        GetFunctionResponse sdk = endpoint.client().getFunction(r -> r.functionName("hello"));

        var c = sdk.configuration();
        assertThat(c.functionName()).isEqualTo("hello");
        assertThat(c.functionArn()).isEqualTo("arn:aws:lambda:eu-west-1:123456789012:function:hello");
        assertThat(c.runtime()).isEqualTo(Runtime.PROVIDED_AL2023);
        assertThat(c.role()).isEqualTo("arn:aws:iam::123456789012:role/torpor");
        assertThat(c.handler()).isEqualTo("function.handler");
        assertThat(c.codeSize()).isEqualTo(1234L);
        assertThat(c.description()).isEqualTo("says hi");
        assertThat(c.timeout()).isEqualTo(30);
        assertThat(c.memorySize()).isEqualTo(256);
        assertThat(c.lastModified()).isEqualTo("2026-11-22T11:01:19.123+0000");
        assertThat(c.codeSha256()).isEqualTo("q83vEjRWeJq8");
        assertThat(c.version()).isEqualTo("$LATEST");
        assertThat(c.environment().variables()).isEqualTo(Map.of("GREETING", "hi"));
        assertThat(c.revisionId()).isEqualTo("rev-2");
        assertThat(c.state()).isEqualTo(State.ACTIVE);
        assertThat(c.lastUpdateStatus()).isEqualTo(LastUpdateStatus.SUCCESSFUL);
        assertThat(c.packageType()).isEqualTo(PackageType.ZIP);
        assertThat(c.architectures()).containsExactly(Architecture.fromValue(NodeArchitecture.CURRENT));
        assertThat(sdk.code().repositoryType()).isEqualTo("Torpor");
        assertThat(sdk.code().location()).isEqualTo("http://node/code/hello");
        assertThat(sdk.tags()).isEqualTo(Map.of("team", "edge"));
        assertThat(sdk.concurrency().reservedConcurrentExecutions()).isEqualTo(2);
    }

    @Test
    void sdkReadsListFunctionsAndItsMarker() throws Exception {
        var all = List.of("a", "b", "c").stream()
                .map(n -> FunctionConfiguration.of(TestFunctions.named(n), "eu-west-1", "123456789012"))
                .toList();
        var page = ListFunctionsResponse.page(all, null, 2);
        endpoint.respond(200, Map.of(), JSON.writeValueAsBytes(page));

        var sdk = endpoint.client().listFunctions(r -> r.maxItems(2));

        assertThat(sdk.functions()).extracting(f -> f.functionName()).containsExactly("a", "b");
        assertThat(sdk.nextMarker()).isEqualTo(page.nextMarker());
    }

    @Test
    void weReadTheSdksCreateFunction() throws Exception {
        endpoint.respond(201, Map.of(), JSON.writeValueAsBytes(
                FunctionConfiguration.of(TestFunctions.named("hello"), "eu-west-1", "123456789012")));
        byte[] zip = {'P', 'K', 3, 4, 0, (byte) 0xff};

        var created = endpoint.client().createFunction(r -> r.functionName("hello")
                .runtime(Runtime.PROVIDED_AL2023)
                .role("arn:aws:iam::123456789012:role/r")
                .handler("h")
                .memorySize(512)
                .timeout(10)
                .environment(e -> e.variables(Map.of("GREETING", "hi")))
                .tags(Map.of("torpor:suspend", "checkpoint"))
                .architecturesWithStrings(NodeArchitecture.CURRENT)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(zip))));
        CreateFunctionRequest ours = JSON.readValue(endpoint.lastRequestBody(), CreateFunctionRequest.class).validated();

        assertThat(created.functionName()).isEqualTo("hello");
        assertThat(ours.functionName()).isEqualTo("hello");
        assertThat(ours.runtime()).isEqualTo("provided.al2023");
        assertThat(ours.role()).isEqualTo("arn:aws:iam::123456789012:role/r");
        assertThat(ours.handler()).isEqualTo("h");
        assertThat(ours.memorySize()).isEqualTo(512);
        assertThat(ours.timeout()).isEqualTo(10);
        assertThat(ours.environment().variables()).isEqualTo(Map.of("GREETING", "hi"));
        assertThat(ours.tags()).isEqualTo(Map.of("torpor:suspend", "checkpoint"));
        assertThat(ours.code().zipFile()).isEqualTo(zip);
    }

    @Test
    void weReadTheSdksUpdatesAndConcurrency() throws Exception {
        byte[] zip = "new code".getBytes(UTF_8);
        endpoint.client().updateFunctionCode(r -> r.functionName("hello").zipFile(SdkBytes.fromByteArray(zip)));
        assertThat(JSON.readValue(endpoint.lastRequestBody(), UpdateFunctionCodeRequest.class).validated().zipFile())
                .isEqualTo(zip);

        endpoint.client().updateFunctionConfiguration(r -> r.functionName("hello").timeout(60).description("d"));
        var config = JSON.readValue(endpoint.lastRequestBody(), UpdateFunctionConfigurationRequest.class).validated();
        assertThat(config.timeout()).isEqualTo(60);
        assertThat(config.description()).isEqualTo("d");
        assertThat(config.memorySize()).isNull();

        endpoint.respond(200, Map.of(), JSON.writeValueAsBytes(new Concurrency(5)));
        var put = endpoint.client().putFunctionConcurrency(r -> r.functionName("hello").reservedConcurrentExecutions(5));
        assertThat(JSON.readValue(endpoint.lastRequestBody(), PutFunctionConcurrencyRequest.class)
                        .validated().reservedConcurrentExecutions())
                .isEqualTo(5);
        assertThat(put.reservedConcurrentExecutions()).isEqualTo(5);
    }
}
