package dev.torpor.api.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CreateFunctionRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] ZIP = "zip bytes".getBytes(UTF_8);
    private static final String ZIP64 = Base64.getEncoder().encodeToString(ZIP);

    @Test
    void readsWhatTheAwsCliSendsAndIgnoresTheRest() throws Exception {
        String body = """
                {"FunctionName":"hello","Runtime":"provided.al2023","Role":"arn:aws:iam::123456789012:role/r",
                 "Handler":"function.handler","Description":"says hi","Timeout":30,"MemorySize":256,
                 "Environment":{"Variables":{"GREETING":"hi"}},"Tags":{"torpor:suspend":"pause"},
                 "Code":{"ZipFile":"%s"},"PackageType":"Zip","Architectures":["%s"],"Publish":false,
                 "VpcConfig":{"SubnetIds":[]},"Layers":[],"TracingConfig":{"Mode":"PassThrough"}}
                """.formatted(ZIP64, NodeArchitecture.CURRENT);

        CreateFunctionRequest r = JSON.readValue(body, CreateFunctionRequest.class).validated();

        assertThat(r.functionName()).isEqualTo("hello");
        assertThat(r.runtime()).isEqualTo("provided.al2023");
        assertThat(r.role()).isEqualTo("arn:aws:iam::123456789012:role/r");
        assertThat(r.handler()).isEqualTo("function.handler");
        assertThat(r.description()).isEqualTo("says hi");
        assertThat(r.timeout()).isEqualTo(30);
        assertThat(r.memorySize()).isEqualTo(256);
        assertThat(r.environment().variables()).isEqualTo(Map.of("GREETING", "hi"));
        assertThat(r.tags()).isEqualTo(Map.of("torpor:suspend", "pause"));
        assertThat(r.code().zipFile()).isEqualTo(ZIP);
        assertThat(r.architectures()).containsExactly(NodeArchitecture.CURRENT);
    }

    @Test
    void fillsInLambdasDefaultsAndTakesTheNameOutOfAnArn() throws Exception {
        String body = """
                {"FunctionName":"arn:aws:lambda:eu-west-1:123456789012:function:hello","Runtime":"provided",
                 "Code":{"ZipFile":"%s"}}""".formatted(ZIP64);

        CreateFunctionRequest r = JSON.readValue(body, CreateFunctionRequest.class).validated();

        assertThat(r.functionName()).isEqualTo("hello");
        assertThat(r.timeout()).isEqualTo(3);
        assertThat(r.memorySize()).isEqualTo(128);
        assertThat(r.description()).isEmpty();
        assertThat(r.environment().variables()).isEmpty();
        assertThat(r.tags()).isEmpty();
        assertThat(r.packageType()).isEqualTo("Zip");
        assertThat(r.architectures()).containsExactly(NodeArchitecture.CURRENT);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            "FunctionName":"no spaces please"          | Value 'no spaces please' at 'functionName'
            "Runtime":"ruby3.3"                        | Runtime ruby3.3 is not supported: Torpor runs provided.al2023, provided.al2, provided, python3.9
            "Runtime":null                             | Runtime is a mandatory parameter
            "MemorySize":127                           | Value '127' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128
            "MemorySize":10241                         | Value '10241' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240
            "Timeout":0                                | Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1
            "Timeout":901                              | Member must have value less than or equal to 900
            "Code":null                                | Please provide a source for function code: Code.ZipFile is required
            "Code":{"S3Bucket":"b","S3Key":"k"}        | Torpor does not fetch code from S3: send the zip itself as Code.ZipFile
            "Code":{"ImageUri":"repo/img:1"}           | Container images are not supported yet
            "PackageType":"Image"                      | Container images are not supported yet
            "PackageType":"Wasm"                       | Value 'Wasm' at 'packageType'
            "Tags":{"torpor:suspend":"sometimes"}      | Tag torpor:suspend must be none, pause or checkpoint
            "Tags":{"torpor:idle-ms":"-5"}             | Tag torpor:idle-ms must be a whole number
            "Environment":{"Variables":{"AWS_REGION":"x","_HANDLER":"y"}} | Reserved keys used in this request: AWS_REGION, _HANDLER
            "Environment":{"Variables":{"1BAD":"x"}}   | Environment variable name '1BAD' must match
            "Architectures":["sparc"]                  | Architectures [sparc] cannot run on this node
            """)
    void refusesWhatLambdaOrTorporCannotRun(String field, String message) throws Exception {
        String body = """
                {"FunctionName":"hello","Runtime":"provided.al2","Code":{"ZipFile":"%s"},%s}""".formatted(ZIP64, field);
        CreateFunctionRequest request = JSON.readValue(body, CreateFunctionRequest.class);

        TorporException e = catchThrowableOfType(TorporException.class, request::validated);

        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER);
        assertThat(e.getMessage()).contains(message);
    }

    @Test
    void refusesEnvironmentsOverFourKilobytes() {
        var request = new CreateFunctionRequest("hello", "provided", null, null, null, null, null,
                new Environment(Map.of("BIG", "x".repeat(4094))), null, new CreateFunctionRequest.Code(ZIP, null, null, null),
                null, null, null);

        assertThat(catchThrowableOfType(TorporException.class, request::validated).getMessage()).contains("4KB limit");
    }

    @Test
    void refusesToPublishAVersionRatherThanIgnoringIt() {
        var request = new CreateFunctionRequest("hello", "provided", null, null, null, null, null, null, null,
                new CreateFunctionRequest.Code(ZIP, null, null, null), null, null, true);

        assertThat(catchThrowableOfType(TorporException.class, request::validated).kind()).isEqualTo(ErrorKind.UNSUPPORTED_OPERATION);
    }

    @Test
    void refusesTheOtherArchitecture() {
        String other = NodeArchitecture.CURRENT.equals("arm64") ? "x86_64" : "arm64";
        var request = new CreateFunctionRequest("hello", "provided", null, null, null, null, null, null, null,
                new CreateFunctionRequest.Code(ZIP, null, null, null), null, List.of(other), null);

        assertThat(catchThrowableOfType(TorporException.class, request::validated).getMessage())
                .isEqualTo("Architectures [" + other + "] cannot run on this node, which is " + NodeArchitecture.CURRENT);
    }
}
