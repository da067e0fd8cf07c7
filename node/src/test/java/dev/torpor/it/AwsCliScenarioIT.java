package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Lambda user's session with the AWS CLI v2, unchanged but for the endpoint: log tails, tags, account settings, and
 * the errors the CLI must show as Lambda's own (a payload too large is a 413 it reports, not a dropped connection it
 * retries); the function's state carries on through all of it.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AwsCliScenarioIT extends RealNodeCase {
    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:counter";

    @Test
    void aLambdaUsersSessionWithTheAwsCli() throws Exception {
        Path zip = Files.write(data.resolve("counter.zip"), TestNode.zipOf(TestNode.EXAMPLES.resolve("counter-python")));
        ok(aws("lambda", "create-function", "--function-name", "counter", "--runtime", "provided.al2023",
                "--handler", "none", "--role", "arn:aws:iam::000000000000:role/test", "--timeout", "30",
                "--zip-file", "fileb://" + zip, "--tags", "torpor:suspend=none"));

        Path out = data.resolve("out.json");
        JsonNode tailed = TestNode.json(ok(aws("lambda", "invoke", "--function-name", "counter", "--log-type", "Tail",
                "--cli-binary-format", "raw-in-base64-out", "--payload", "{\"n\":1}", out.toString())));
        assertThat(new String(Base64.getDecoder().decode(tailed.get("LogResult").asText()), StandardCharsets.UTF_8))
                .contains("event 1: {\"n\": 1}");
        assertThat(TestNode.json(Files.readString(out)).get("count").asInt()).isEqualTo(1);

        Path big = Files.writeString(data.resolve("big.json"), "{\"pad\":\"" + "x".repeat(7 << 20) + "\"}");
        assertFails(aws("lambda", "invoke", "--function-name", "counter", "--cli-binary-format", "raw-in-base64-out",
                "--payload", "file://" + big, out.toString()), "RequestTooLargeException");
        assertFails(aws("lambda", "invoke", "--function-name", "counter", "--cli-binary-format", "raw-in-base64-out",
                "--payload", "n=3", out.toString()), "InvalidRequestContentException");
        assertFails(aws("lambda", "update-function-configuration", "--function-name", "counter",
                "--revision-id", "bogus", "--description", "never"), "PreconditionFailedException");
        assertFails(aws("lambda", "list-layers"), "UnsupportedOperationException", "ListLayers");
        assertFails(aws("lambda", "delete-function", "--function-name", "counter", "--qualifier", "7"),
                "ResourceNotFoundException");

        ok(aws("lambda", "tag-resource", "--resource", ARN, "--tags", "team=edge"));
        assertThat(TestNode.json(ok(aws("lambda", "list-tags", "--resource", ARN))).get("Tags").get("team").asText())
                .isEqualTo("edge");
        assertThat(TestNode.json(ok(aws("lambda", "get-account-settings"))).get("AccountUsage").get("FunctionCount").asInt())
                .isEqualTo(1);
        assertThat(TestNode.json(ok(aws("lambda", "get-function", "--function-name", "counter")))
                .get("Configuration").get("Description").asText()).isEmpty();

        ok(aws("lambda", "invoke", "--function-name", "counter", out.toString()));
        assertThat(TestNode.json(Files.readString(out)).get("count").asInt()).as("nothing refused reached the function").isEqualTo(2);
    }

    private AwsCli.Result aws(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("--endpoint-url", node.endpoint()));
        argv.addAll(List.of(args));
        return AwsCli.run(data, "AKIDTEST", "secret", argv);
    }

    private static String ok(AwsCli.Result r) {
        assertThat(r.status()).as(r.output()).isZero();
        return r.output();
    }

    private static void assertFails(AwsCli.Result r, String... shown) {
        assertThat(r.status()).as(r.output()).isNotZero();
        assertThat(r.output()).contains(shown).doesNotContainIgnoringCase("connection");
    }
}
