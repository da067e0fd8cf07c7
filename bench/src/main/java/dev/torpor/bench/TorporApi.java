package dev.torpor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** A client of a Torpor node's API, the way a user's tooling would call it: Lambda management, Invoke, Torpor's own. */
final class TorporApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] ZIP = zipOfBootstrap();

    private final String endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    TorporApi(String endpoint) {
        this.endpoint = endpoint;
    }

    /** What came back, and how long the call took from sending to the last byte of the answer. */
    record Reply(int status, String body, boolean functionError, double ms) {
        boolean ok() {
            return status / 100 == 2 && !functionError;
        }

        /** What went wrong, as the node said it: the status, then Lambda's error type and message when the body has them. */
        String error() {
            try {
                JsonNode n = JSON.readTree(body);
                if (n != null && n.hasNonNull("Message")) {
                    return status + (functionError ? " (function error) " : " ") + n.path("Type").asText("") + ": " + n.get("Message").asText();
                }
            } catch (IOException e) {
                // not JSON: the body as it is
            }
            return status + (functionError ? " (function error)" : "") + ": " + body;
        }
    }

    Reply call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(Duration.ofMinutes(3))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        double ms = Sh.ms(t0);
        return new Reply(r.statusCode(), r.body(), r.headers().firstValue("X-Amz-Function-Error").isPresent(), ms);
    }

    Reply ok(String method, String path, String body) throws IOException, InterruptedException {
        Reply r = call(method, path, body);
        if (!r.ok()) throw new BenchException(method + " " + path + " answered " + r.status() + ": " + r.body());
        return r;
    }

    /** CreateFunction with the benchmark's bootstrap; {@code policy} is none, pause or checkpoint. */
    void create(String name, int memoryMiB, int ballastMb, String policy, long idleMs) throws IOException, InterruptedException {
        create(name, memoryMiB, ballastMb, policy, idleMs, Map.of());
    }

    /** The same with more tags (a backup peer, say). */
    void create(String name, int memoryMiB, int ballastMb, String policy, long idleMs, Map<String, String> moreTags)
            throws IOException, InterruptedException {
        ObjectNode req = JSON.createObjectNode();
        req.put("FunctionName", name).put("Runtime", "provided.al2023").put("Handler", "none")
                .put("Role", "arn:aws:iam::000000000000:role/bench").put("MemorySize", memoryMiB).put("Timeout", 120);
        req.putObject("Code").put("ZipFile", Base64.getEncoder().encodeToString(ZIP));
        req.putObject("Environment").putObject("Variables").put("BALLAST_MB", Integer.toString(ballastMb));
        Map<String, String> tags = new HashMap<>();
        tags.put("torpor:suspend", policy);
        tags.put("torpor:idle-ms", Long.toString(idleMs));
        tags.putAll(moreTags);
        req.set("Tags", JSON.valueToTree(tags));
        ok("POST", "/2015-03-31/functions", req.toString());
    }

    void delete(String name) throws IOException, InterruptedException {
        call("DELETE", "/2015-03-31/functions/" + name, null);
    }

    Reply invoke(String name) throws IOException, InterruptedException {
        return call("POST", "/2015-03-31/functions/" + name + "/invocations", "{\"bench\":true}");
    }

    /** An invocation that must succeed; the function's answer, not yet checked against its counter. */
    Answer answer(String name) throws IOException, InterruptedException {
        Reply r = invoke(name);
        if (!r.ok()) throw new BenchException("invoke " + name + " answered " + r.error());
        return Answer.parse(r.body(), r.ms());
    }

    /** Names of the functions deployed on the node. */
    List<String> functions() throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        for (JsonNode f : JSON.readTree(ok("GET", "/2015-03-31/functions", null).body()).path("Functions")) {
            names.add(f.get("FunctionName").asText());
        }
        return names;
    }

    /** Asks the node to move an instance to {@code target}; the answer as it came, error or not. */
    Reply migrate(String id, String target, String mode, boolean compress) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("target", target).put("mode", mode).put("compress", compress);
        return call("POST", "/torpor/v1/instances/" + id + "/migrate", body.toString());
    }

    /** Whether the node holds the instance now. */
    boolean holds(String id) throws IOException, InterruptedException {
        return call("GET", "/torpor/v1/instances/" + id, null).status() == 200;
    }

    /** The backups this node holds for others: the newest copy of each instance. */
    JsonNode backups() throws IOException, InterruptedException {
        return JSON.readTree(ok("GET", "/torpor/v1/backups", null).body()).get("backups");
    }

    JsonNode instances() throws IOException, InterruptedException {
        return JSON.readTree(ok("GET", "/torpor/v1/instances", null).body()).get("instances");
    }

    JsonNode instanceOf(String function) throws IOException, InterruptedException {
        for (JsonNode i : instances()) if (i.get("function").asText().equals(function)) return i;
        throw new BenchException("no instance of " + function);
    }

    JsonNode instance(String id) throws IOException, InterruptedException {
        return JSON.readTree(ok("GET", "/torpor/v1/instances/" + id, null).body());
    }

    /** Waits until the instance is in {@code state}, polling every 2 ms. */
    void awaitState(String id, String state, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String s;
        while (!(s = instance(id).get("state").asText()).equals(state)) {
            if (System.nanoTime() > deadline) throw new BenchException("instance " + id + " stayed " + s + ", never " + state + " within " + timeout);
            Thread.sleep(2);
        }
    }

    /** {@code torpor_operation_duration_seconds} sum and count per operation, over all functions, from /metrics. */
    Map<String, double[]> operationTimers() throws IOException, InterruptedException {
        Map<String, double[]> out = new HashMap<>();
        for (String line : ok("GET", "/metrics", null).body().lines().toList()) {
            boolean sum = line.startsWith("torpor_operation_duration_seconds_sum{");
            boolean count = line.startsWith("torpor_operation_duration_seconds_count{");
            if (!sum && !count) continue;
            int q = line.indexOf("operation=\"") + 11;
            String op = line.substring(q, line.indexOf('"', q));
            double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            out.computeIfAbsent(op, k -> new double[2])[sum ? 0 : 1] += v;
        }
        return out;
    }

    private static byte[] zipOfBootstrap() {
        try (InputStream in = TorporApi.class.getResourceAsStream("bootstrap")) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                ZipEntry e = new ZipEntry("bootstrap");
                zip.putNextEntry(e);
                zip.write(in.readAllBytes());
                zip.closeEntry();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("the bootstrap resource is missing", e);
        }
    }
}
