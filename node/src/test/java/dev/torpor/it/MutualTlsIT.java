package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.cli.TorporCli;
import dev.torpor.cli.client.NodeClient;
import dev.torpor.tls.ClusterTls;
import java.io.IOException;
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
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * Two nodes with certificates of one cluster CA (made with `torpor cluster init` and `add-node`) back up, migrate and
 * forward to each other over mutual TLS; a caller without a member certificate, with none or with one from another
 * CA, is refused on every node-to-node endpoint and changes nothing; clients reach the Lambda API over HTTPS.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class MutualTlsIT extends TwoNodeCase {
    private static final Map<String, String> ADDRESS = Map.of("edge-a", "127.0.0.2", "edge-b", "127.0.0.3");

    private Path cluster() {
        return root.resolve("cluster");
    }

    @Override
    List<String> nodeArgs(String nodeId) {
        if (!Files.exists(cluster().resolve("ca.key"))) torpor("cluster", "init", "--dir", cluster().toString());
        if (!Files.exists(cluster().resolve(nodeId))) {
            torpor("cluster", "add-node", nodeId, "--dir", cluster().toString(), "--san", ADDRESS.get(nodeId));
        }
        return List.of("--tls", cluster().resolve(nodeId).toString());
    }

    @Test
    void membersBackUpMigrateAndForwardOverMutualTls() {
        nodes.counterBackedUpOnB();

        var created = nodes.a.create("mover", "counter-python", 128, Map.of(), Map.of("torpor:suspend", "none"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(nodes.a.invoke("mover", "{}").get("count").asInt()).isEqualTo(1);
        String id = nodes.a.instanceOf("mover").get("instanceId").asText();
        var there = nodes.a.call("POST", "/torpor/v1/instances/" + id + "/migrate", "{\"target\":\"edge-b\",\"mode\":\"post-copy\"}");
        assertThat(there.statusCode()).as(there.body() + nodes.outputs()).isEqualTo(200);
        assertThat(nodes.a.invoke("mover", "{}").get("count").asInt()).as("forwarded to edge-b, state intact").isEqualTo(2);

        String onB = nodes.b.instanceOf("mover").get("instanceId").asText();
        var back = nodes.b.call("POST", "/torpor/v1/instances/" + onB + "/migrate", "{\"target\":\"edge-a\",\"mode\":\"stop-and-copy\"}");
        assertThat(back.statusCode()).as(back.body() + nodes.outputs()).isEqualTo(200);
        assertThat(nodes.a.invoke("mover", "{}").get("count").asInt()).as("back on edge-a").isEqualTo(3);
    }

    @Test
    void strangersAreRefusedOnEveryNodeToNodeEndpointAndChangeNothing() throws Exception {
        nodes.counterBackedUpOnB();
        String lease = nodes.b.call("GET", "/torpor/v1/leases/counter", null).body();
        String replica = nodes.b.call("GET", "/2015-03-31/functions/counter", null).body();

        // A stranger presents the certificate of another CA, made out to edge-a at edge-a's address; it trusts our CA.
        Path theirs = root.resolve("theirs");
        torpor("cluster", "init", "--dir", theirs.toString());
        torpor("cluster", "add-node", "edge-a", "--dir", theirs.toString(), "--san", ADDRESS.get("edge-a"));
        Files.writeString(theirs.resolve("edge-a").resolve(ClusterTls.CA_CERT), Files.readString(theirs.resolve(ClusterTls.CA_CERT))
                + Files.readString(cluster().resolve(ClusterTls.CA_CERT)));
        Map<String, SSLContext> strangers = Map.of(
                "no certificate", ClusterTls.trustingOnly(cluster().resolve(ClusterTls.CA_CERT)),
                "another CA's certificate", ClusterTls.load(theirs.resolve("edge-a")).clientContext());

        for (var stranger : strangers.entrySet()) {
            try (HttpClient http = HttpClient.newBuilder().sslContext(stranger.getValue()).build()) {
                for (String[] call : nodeToNode()) {
                    HttpResponse<String> r = send(http, nodes.b, call[0], call[1], call[2], Map.of());
                    assertRefused(r, stranger.getKey() + ": " + call[0] + " " + call[1]);
                }
                HttpResponse<String> forwarded = send(http, nodes.a, "POST", "/2015-03-31/functions/counter/invocations", "{}",
                        Map.of("X-Torpor-Hops", "1"));
                assertRefused(forwarded, stranger.getKey() + ": a forwarded invocation");
            }
        }

        // A member may renew its own leases only: edge-b's certificate cannot renew edge-a's lease, at a higher epoch.
        assertRefused(nodes.b.call("PUT", "/torpor/v1/leases/counter", "{\"owner\":\"edge-a\",\"epoch\":50,\"ttlMs\":600000}"),
                "edge-b renewing a lease in edge-a's name");

        // Nothing they sent took: the lease, the replica and the backups are as they were, no forged invocation ran.
        assertThat(nodes.b.call("GET", "/torpor/v1/leases/counter", null).body()).isEqualTo(lease);
        assertThat(nodes.b.call("GET", "/2015-03-31/functions/counter", null).body()).isEqualTo(replica);
        assertThat(nodes.b.call("GET", "/torpor/v1/backups", null).body()).doesNotContain("i-forged");
        assertThat(nodes.b.call("GET", "/torpor/v1/instances", null).body()).doesNotContain("i-forged");

        // The Lambda API stays open to clients, over HTTPS: without a certificate, then the AWS CLI and the torpor CLI.
        try (HttpClient client = HttpClient.newBuilder().sslContext(strangers.get("no certificate")).build()) {
            HttpResponse<String> invoked = send(client, nodes.a, "POST", "/2015-03-31/functions/counter/invocations", "{}", Map.of());
            assertThat(invoked.statusCode()).as(invoked.body()).isEqualTo(200);
            assertThat(TestNode.json(invoked.body()).get("count").asInt()).as("the forged forwards never ran").isEqualTo(TwoNodes.COUNT + 1);
        }
        Path out = root.resolve("out.json");
        AwsCli.Result aws = aws(nodes.a.endpoint(), "lambda", "invoke", "--function-name", "counter", out.toString());
        assertThat(aws.status()).as(aws.output()).isZero();
        assertThat(TestNode.json(Files.readString(out)).get("count").asInt()).isEqualTo(TwoNodes.COUNT + 2);
        try (NodeClient cli = new NodeClient(nodes.a.endpoint(), Map.of(NodeClient.CA_BUNDLE, cluster().resolve(ClusterTls.CA_CERT).toString(),
                "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"))) {
            assertThat(cli.listFunctions()).extracting(f -> f.functionName()).contains("counter");
        }
    }

    private static void assertRefused(HttpResponse<String> r, String what) {
        assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(403);
        assertThat(r.headers().firstValue("X-Torpor-Error-Kind")).as(what).contains("NOT_A_MEMBER");
        assertThat(r.headers().firstValue("X-Amzn-ErrorType")).as(what).contains("AccessDeniedException");
    }

    /** Every node-to-node endpoint, with a forged body where it takes one. */
    private static List<String[]> nodeToNode() {
        return List.of(
                new String[] {"POST", "/torpor/v1/migrations/prepare", "{}"},
                new String[] {"POST", "/torpor/v1/migrations/i-forged/image?function=counter", "not an image"},
                new String[] {"GET", "/torpor/v1/migrations/i-forged/pages?pid=1&vaddr=0&count=1", null},
                new String[] {"POST", "/torpor/v1/migrations/i-forged/pages/done", "{}"},
                new String[] {"PUT", "/torpor/v1/replicas/counter", "{\"definition\":{\"name\":\"counter\"}}"},
                new String[] {"GET", "/torpor/v1/backups", null},
                new String[] {"POST", "/torpor/v1/backups/i-forged/missing", "{}"},
                new String[] {"POST", "/torpor/v1/backups/i-forged/chunks", "x"},
                new String[] {"POST", "/torpor/v1/backups/i-forged", "{}"},
                new String[] {"PUT", "/torpor/v1/leases/counter", "{\"owner\":\"edge-b\",\"epoch\":50,\"ttlMs\":600000}"},
                new String[] {"GET", "/torpor/v1/leases/counter", null});
    }

    private static HttpResponse<String> send(HttpClient http, TestNode node, String method, String path, String body,
                                             Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.endpoint() + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void torpor(String... args) {
        assertThat(new CommandLine(new TorporCli()).execute(args)).as("torpor " + String.join(" ", args)).isZero();
    }

    /** The AWS CLI v2 over HTTPS, trusting the cluster CA with --ca-bundle; the node has no keys, so any key does. */
    private AwsCli.Result aws(String endpoint, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("--endpoint-url", endpoint, "--ca-bundle", cluster().resolve(ClusterTls.CA_CERT).toString()));
        argv.addAll(List.of(args));
        return AwsCli.run(root, "AKIDANY", "any", argv);
    }
}
