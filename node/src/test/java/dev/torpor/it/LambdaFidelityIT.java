package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.api.SdkClients;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.RequestTooLargeException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;

/**
 * The parts of the Lambda API a user meets after the first invoke, through the official AWS SDK for Java v2 against
 * a real node: revisions, tags, log tails, account settings, and Lambda's own errors for what is too large, stale or
 * not offered; each refusal leaves the function as it was.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LambdaFidelityIT extends RealNodeCase {

    @Test
    void revisionsTagsLogTailsAndRefusalsAsLambdaHasThem() throws Exception {
        byte[] zip = TestNode.zipOf(TestNode.EXAMPLES.resolve("counter-python"));
        try (LambdaClient lambda = SdkClients.lambda(URI.create(node.endpoint()), Region.US_EAST_1)) {
            String arn = lambda.createFunction(r -> r.functionName("counter").runtime(Runtime.PROVIDED_AL2023)
                    .handler("none").role("arn:aws:iam::000000000000:role/test").timeout(30)
                    .code(c -> c.zipFile(SdkBytes.fromByteArray(zip))).tags(Map.of("torpor:suspend", "none"))).functionArn();
            assertThat(count(lambda, "{}")).isEqualTo(1);

            // RevisionId: new on every change; a stale one is refused and changes nothing.
            String r0 = lambda.getFunction(r -> r.functionName("counter")).configuration().revisionId();
            assertThatThrownBy(() -> lambda.updateFunctionConfiguration(r -> r.functionName("counter").revisionId("bogus")
                    .description("never"))).isInstanceOf(PreconditionFailedException.class);
            var updated = lambda.updateFunctionConfiguration(r -> r.functionName("counter").revisionId(r0)
                    .environment(e -> e.variables(Map.of("GREETING", "hi"))));
            assertThat(updated.revisionId()).isNotEqualTo(r0);
            assertThat(updated.description()).isEmpty();
            assertThat(updated.lastUpdateStatusReason()).contains("next new process");
            assertThatThrownBy(() -> lambda.updateFunctionCode(r -> r.functionName("counter").revisionId(r0)
                    .zipFile(SdkBytes.fromByteArray(zip)))).isInstanceOf(PreconditionFailedException.class);

            // Tags: a torpor:* tag is the policy, checked as at create; a bad one changes nothing.
            lambda.tagResource(r -> r.resource(arn).tags(Map.of("team", "edge", "torpor:suspend", "pause")));
            assertThat(lambda.listTags(r -> r.resource(arn)).tags())
                    .isEqualTo(Map.of("team", "edge", "torpor:suspend", "pause"));
            assertThat(node.call("GET", "/torpor/v1/functions/counter/policy", null).body()).contains("\"suspend\":\"pause\"");
            assertThatThrownBy(() -> lambda.tagResource(r -> r.resource(arn).tags(Map.of("torpor:suspend", "sometimes"))))
                    .isInstanceOf(InvalidParameterValueException.class);
            lambda.untagResource(r -> r.resource(arn).tagKeys("team", "torpor:suspend"));
            assertThat(lambda.listTags(r -> r.resource(arn)).tags()).isEmpty();
            assertThat(node.call("GET", "/torpor/v1/functions/counter/policy", null).body()).contains("\"suspend\":\"checkpoint\"");
            lambda.tagResource(r -> r.resource(arn).tags(Map.of("torpor:suspend", "none")));

            // --log-type Tail: the end of this invocation's own output.
            var tailed = lambda.invoke(r -> r.functionName("counter").logType(LogType.TAIL).payload(SdkBytes.fromUtf8String("{\"n\":2}")));
            String log = new String(Base64.getDecoder().decode(tailed.logResult()), StandardCharsets.UTF_8);
            assertThat(log).contains("event 2: {\"n\": 2}").doesNotContain("event 1:");
            assertThat(lambda.invoke(r -> r.functionName("counter").payload(SdkBytes.fromUtf8String("{}"))).logResult()).isNull();

            // Too large, unknown qualifiers, operations Torpor lacks: Lambda's errors, nothing changed.
            assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("counter")
                    .payload(SdkBytes.fromUtf8String("{\"pad\":\"" + "x".repeat(7 << 20) + "\"}"))))
                    .isInstanceOf(RequestTooLargeException.class);
            SdkBytes huge = SdkBytes.fromByteArray(zipOfNoise(51 << 20));
            assertThatThrownBy(() -> lambda.createFunction(r -> r.functionName("huge").runtime(Runtime.PROVIDED_AL2023)
                    .handler("none").role("arn:aws:iam::000000000000:role/test").code(c -> c.zipFile(huge))))
                    .isInstanceOfSatisfying(LambdaException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(413);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestEntityTooLargeException");
                    });
            assertThatThrownBy(() -> lambda.deleteFunction(r -> r.functionName("counter").qualifier("7")))
                    .isInstanceOf(ResourceNotFoundException.class);
            assertThatThrownBy(() -> lambda.invoke(r -> r.functionName(arn + ":7"))).isInstanceOf(ResourceNotFoundException.class);
            for (Runnable call : new Runnable[] {() -> lambda.listLayers(), () -> lambda.publishVersion(r -> r.functionName("counter")),
                    () -> lambda.getFunctionUrlConfig(r -> r.functionName("counter"))}) {
                assertThatThrownBy(call::run).isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnsupportedOperationException");
                    assertThat(e.awsErrorDetails().errorMessage()).startsWith("Torpor does not support the Lambda operation ");
                });
            }

            var settings = lambda.getAccountSettings();
            assertThat(settings.accountUsage().functionCount()).isEqualTo(1);
            assertThat(settings.accountUsage().totalCodeSize()).isEqualTo(zip.length);
            assertThat(settings.accountLimit().codeSizeZipped()).isEqualTo(50L << 20);
            assertThat(lambda.listFunctions().functions()).extracting(f -> f.functionName()).containsExactly("counter");
            assertThat(count(lambda, "{}")).as("the instance served throughout, its state intact").isEqualTo(4);
        }
    }

    private static int count(LambdaClient lambda, String payload) {
        var r = lambda.invoke(i -> i.functionName("counter").payload(SdkBytes.fromUtf8String(payload)));
        assertThat(r.functionError()).as(r.payload().asUtf8String()).isNull();
        return TestNode.json(r.payload().asUtf8String()).get("count").asInt();
    }

    /** A valid zip of {@code bytes} that do not compress. */
    static byte[] zipOfNoise(int bytes) throws Exception {
        byte[] noise = new byte[bytes];
        new Random(7).nextBytes(noise);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("bootstrap"));
            z.write(noise);
            z.closeEntry();
        }
        return out.toByteArray();
    }
}
