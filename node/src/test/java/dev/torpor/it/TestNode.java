package dev.torpor.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.torpor.api.LambdaAccount;
import dev.torpor.node.Node;
import dev.torpor.node.NodeConfig;
import dev.torpor.runtime.oci.OciRuntimes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** A real node in this JVM on an ephemeral port, and a small HTTP client for its API. */
final class TestNode implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

    final Path data;
    final long budget;
    private Node node;
    private final HttpClient http = HttpClient.newHttpClient();

    TestNode(Path data, long budgetBytes) throws Exception {
        this.data = data;
        this.budget = budgetBytes;
        start();
    }

    void start() throws Exception {
        node = Node.start(new NodeConfig("test", new InetSocketAddress("127.0.0.1", 0), data, budget,
                LambdaAccount.DEFAULT, "runc", Duration.ofSeconds(10), Duration.ofSeconds(30), java.util.List.of()));
    }

    /** Stops the node as an operator would (idle instances get checkpointed). */
    void stop() {
        node.close();
    }

    Node node() {
        return node;
    }

    String endpoint() {
        return "http://127.0.0.1:" + node.address().getPort();
    }

    HttpResponse<String> call(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint() + path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> call(String method, String path, String body) {
        return call(method, path, body, Map.of());
    }

    /** CreateFunction with the example's code; {@code extra} adds or overrides fields of the request. */
    HttpResponse<String> create(String name, String example, int memoryMiB, Map<String, String> env, Map<String, String> tags) {
        ObjectNode req = JSON.createObjectNode();
        req.put("FunctionName", name).put("Runtime", "provided.al2023").put("Handler", "none")
                .put("Role", "arn:aws:iam::000000000000:role/test").put("MemorySize", memoryMiB).put("Timeout", 30);
        req.putObject("Code").put("ZipFile", Base64.getEncoder().encodeToString(zipOf(EXAMPLES.resolve(example))));
        req.putObject("Environment").set("Variables", JSON.valueToTree(env));
        req.set("Tags", JSON.valueToTree(tags));
        return call("POST", "/2015-03-31/functions", req.toString());
    }

    JsonNode invoke(String name, String payload) {
        HttpResponse<String> r = call("POST", "/2015-03-31/functions/" + name + "/invocations", payload);
        if (r.statusCode() != 200 || r.headers().firstValue("X-Amz-Function-Error").isPresent()) {
            throw new AssertionError("invoke " + name + " answered " + r.statusCode() + " " + r.headers().map() + ": " + r.body());
        }
        return json(r.body());
    }

    JsonNode instances() {
        return json(call("GET", "/torpor/v1/instances", null).body()).get("instances");
    }

    JsonNode instanceOf(String function) {
        for (JsonNode i : instances()) {
            if (i.get("function").asText().equals(function)) return i;
        }
        throw new AssertionError("no instance of " + function + " in " + instances());
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A zip of a directory with unix modes kept, as `zip -r` makes it. */
    static byte[] zipOf(Path dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes); var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new ZipEntry(dir.relativize(f).toString()));
                zip.write(Files.readAllBytes(f));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() throws Exception {
        try {
            node.instances().list().forEach(s -> node.instances().retire(s.function()));
            node.close();
        } catch (RuntimeException e) {
            // stopped already, or broken by the test: the sweep below still removes everything
        }
        sweepContainers(data);
    }

    /** Removes every container and network namespace a node on {@code data} may have left, even after kill -9. */
    static void sweepContainers(Path data) throws Exception {
        String state = data.resolve("runtime/state").toString();
        Process list = new ProcessBuilder("runc", "--root", state, "list", "-q").redirectErrorStream(true).start();
        for (String id : new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\\s+")) {
            if (id.isBlank()) continue;
            new ProcessBuilder("runc", "--root", state, "delete", "--force", id).inheritIO().start().waitFor();
        }
        list.waitFor();
        // What runc forgets after a kill -9 is the namespaces the node made: all carry its scope.
        String prefix = "torpor-" + OciRuntimes.scopeOf(data.resolve("runtime")) + "-";
        Process netns = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        for (String line : new String(netns.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(prefix)) new ProcessBuilder("ip", "netns", "delete", name).inheritIO().start().waitFor();
        }
        netns.waitFor();
    }

    static boolean executable(Path p) throws IOException {
        return Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_EXECUTE);
    }
}
