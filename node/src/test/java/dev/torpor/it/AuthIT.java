package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.cli.client.NodeClient;
import dev.torpor.node.Node;
import dev.torpor.node.NodeConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * A node started with --credentials answers only signed requests: the AWS SDK, the AWS CLI and the torpor CLI with
 * the right key work unchanged; a wrong secret, an unknown key or no signature at all are refused as Lambda refuses
 * them, on every endpoint family, node-to-node ones included, and change nothing.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AuthIT {
    private static final String KEY = "AKIDTORPORTEST", SECRET = "right/secret+value";

    @TempDir
    Path dir;

    private Node node;
    private URI endpoint;
    private Path credentials;

    @BeforeEach
    void startNode() throws Exception {
        RealStack.require();
        credentials = dir.resolve("credentials");
        Files.writeString(credentials, "[default]\naws_access_key_id = " + KEY + "\naws_secret_access_key = " + SECRET + "\n");
        node = Node.start(NodeConfig.standalone("auth", new InetSocketAddress("127.0.0.1", 0), dir.resolve("data"), 512L << 20)
                .withCredentials(credentials));
        endpoint = URI.create("http://127.0.0.1:" + node.address().getPort());
    }

    @AfterEach
    void stopNode() {
        if (node != null) node.close();
    }

    @Test
    void theRightKeyWorksAndEveryOtherIsRefusedWithLambdasErrors() throws Exception {
        byte[] zip = TestNode.zipOf(TestNode.EXAMPLES.resolve("counter-python"));
        try (LambdaClient right = sdk(KEY, SECRET); LambdaClient wrongSecret = sdk(KEY, "wrong");
             LambdaClient stranger = sdk("AKIDSTRANGER", SECRET)) {
            String sha = right.createFunction(r -> r.functionName("counter").runtime(Runtime.PROVIDED_AL2023).handler("none")
                    .role("arn:aws:iam::000000000000:role/test").memorySize(128).timeout(30)
                    .code(c -> c.zipFile(SdkBytes.fromByteArray(zip))).tags(Map.of("torpor:suspend", "none"))).codeSha256();
            assertThat(count(right.invoke(r -> r.functionName("counter").payload(SdkBytes.fromUtf8String("{}"))).payload())).isEqualTo(1);

            assertThatThrownBy(() -> wrongSecret.deleteFunction(r -> r.functionName("counter")))
                    .isInstanceOfSatisfying(LambdaException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                    });
            assertThatThrownBy(() -> stranger.deleteFunction(r -> r.functionName("counter")))
                    .isInstanceOfSatisfying(LambdaException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
                    });

            for (String[] call : everyEndpointFamily()) {
                HttpResponse<String> r = unsigned(call[0], call[1], call[2]);
                assertThat(r.statusCode()).as(call[0] + " " + call[1]).isEqualTo(403);
                assertThat(r.headers().firstValue("X-Amzn-ErrorType")).as(call[0] + " " + call[1])
                        .contains("MissingAuthenticationTokenException");
            }

            // Nothing the refused calls asked for happened: same code, the state carried on, no lease was forged.
            assertThat(right.getFunction(r -> r.functionName("counter")).configuration().codeSha256()).isEqualTo(sha);
            assertThat(count(right.invoke(r -> r.functionName("counter").payload(SdkBytes.fromUtf8String("{}"))).payload())).isEqualTo(2);
            assertThat(right.listFunctions().functions()).extracting(f -> f.functionName()).containsExactly("counter");

            // The torpor CLI signs with the keys of the usual AWS environment, and without them is refused.
            try (NodeClient cli = new NodeClient(endpoint.toString(), Map.of("AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET,
                    "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"))) {
                assertThat(cli.listFunctions()).extracting(f -> f.functionName()).containsExactly("counter");
            }
            try (NodeClient cli = new NodeClient(endpoint.toString(), Map.of("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"))) {
                assertThatThrownBy(cli::listFunctions).isInstanceOfSatisfying(NodeClient.ApiError.class,
                        e -> assertThat(e.errorType()).isEqualTo("MissingAuthenticationTokenException"));
            }

            // The AWS CLI v2, unchanged but for the endpoint: the right key invokes, a wrong one is told why.
            Path out = dir.resolve("out.json");
            AwsCli.Result ok = aws(SECRET, "lambda", "invoke", "--function-name", "counter", "--cli-binary-format", "raw-in-base64-out",
                    "--payload", "{\"from\":\"aws-cli\"}", out.toString());
            assertThat(ok.status()).as(ok.output()).isZero();
            assertThat(count(SdkBytes.fromByteArray(Files.readAllBytes(out)))).isEqualTo(3);
            AwsCli.Result refused = aws("wrong", "lambda", "list-functions");
            assertThat(refused.status()).isNotZero();
            assertThat(refused.output()).contains("InvalidSignatureException");
        }
    }

    /** One call of each family the node serves, with a body where it takes one. */
    private static List<String[]> everyEndpointFamily() {
        String fn = "/2015-03-31/functions/counter";
        return List.of(
                new String[] {"GET", "/2015-03-31/functions/", null},
                new String[] {"POST", "/2015-03-31/functions/", "{\"FunctionName\":\"evil\"}"},
                new String[] {"GET", fn, null},
                new String[] {"DELETE", fn, null},
                new String[] {"PUT", fn + "/code", "{\"ZipFile\":\"\"}"},
                new String[] {"PUT", fn + "/configuration", "{\"MemorySize\":256}"},
                new String[] {"PUT", "/2017-10-31/functions/counter/concurrency", "{\"ReservedConcurrentExecutions\":0}"},
                new String[] {"POST", fn + "/invocations", "{}"},
                new String[] {"GET", "/torpor/v1/instances", null},
                new String[] {"POST", "/torpor/v1/instances/i-1/checkpoint", null},
                new String[] {"POST", "/torpor/v1/instances/i-1/restore", null},
                new String[] {"GET", "/torpor/v1/instances/i-1/logs", null},
                new String[] {"POST", "/torpor/v1/instances/i-1/migrate", "{\"target\":\"x\"}"},
                new String[] {"GET", "/torpor/v1/node", null},
                new String[] {"POST", "/torpor/v1/node/drain", "{}"},
                new String[] {"GET", "/metrics", null},
                new String[] {"PUT", "/torpor/v1/functions/counter/policy", "{\"suspend\":\"pause\"}"},
                new String[] {"POST", "/torpor/v1/migrations/prepare", "{}"},
                new String[] {"POST", "/torpor/v1/migrations/i-1/image", "not an image"},
                new String[] {"GET", "/torpor/v1/migrations/i-1/pages?pid=1&vaddr=0&count=1", null},
                new String[] {"PUT", "/torpor/v1/replicas/counter", "{}"},
                new String[] {"GET", "/torpor/v1/backups", null},
                new String[] {"POST", "/torpor/v1/backups/i-1/missing", "{}"},
                new String[] {"POST", "/torpor/v1/backups/i-1/chunks", "x"},
                new String[] {"PUT", "/torpor/v1/leases/counter", "{\"owner\":\"edge-b\",\"epoch\":50,\"ttlMs\":600000}"},
                new String[] {"GET", "/torpor/v1/leases/counter", null});
    }

    private HttpResponse<String> unsigned(String method, String path, String body) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(endpoint.resolve(path)).timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private LambdaClient sdk(String key, String secret) {
        return LambdaClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(2)).build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    private AwsCli.Result aws(String secret, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("--endpoint-url", endpoint.toString()));
        argv.addAll(List.of(args));
        return AwsCli.run(dir, KEY, secret, argv);
    }

    private static int count(SdkBytes payload) throws IOException {
        JsonNode json = TestNode.JSON.readTree(payload.asByteArray());
        return json.get("count").asInt();
    }
}
