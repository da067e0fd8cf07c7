package dev.torpor.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.torpor.node.Node;
import dev.torpor.node.NodeConfig;
import dev.torpor.runtime.oci.CgroupDirs;
import dev.torpor.runtime.oci.OciRuntimes;
import dev.torpor.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A real node on an ephemeral port, and a small HTTP client for its API. The node runs in this JVM, or with
 * {@link #inChildJvm} as a separate {@code torpor node} process that a test can kill -9.
 */
final class TestNode implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
    /** Functions made for the tests, not examples: see each one's bootstrap. */
    static final Path TEST_FUNCTIONS = Path.of("src", "test", "functions").toAbsolutePath().normalize();
    private static final Duration CHILD_START_TIMEOUT = Duration.ofSeconds(90);

    final Path data;
    final long budget;
    private final boolean child;
    /** What a child node's command starts with (nsenter into a network namespace, say), and the host it listens on. */
    private final List<String> launcher;
    private final String listenHost;
    /** Where the test reaches the node. */
    private final String host;
    private final List<String> nodeArgs;
    /** Peers know this node by its address, so it keeps its port across restarts. */
    private final boolean fixedPort;
    private Node node;
    private Process process;
    private int port;
    /** Over https as the node itself (its certificate) when it was started with {@code --tls}. */
    private final java.util.Optional<dev.torpor.tls.ClusterTls> tls;
    private final HttpClient http;

    TestNode(Path data, long budgetBytes) throws Exception {
        this(data, budgetBytes, false);
    }

    private TestNode(Path data, long budgetBytes, boolean child) throws Exception {
        this(data, budgetBytes, child, List.of(), "127.0.0.1", "127.0.0.1", 0, List.of());
    }

    private TestNode(Path data, long budgetBytes, boolean child, List<String> launcher, String listenHost, String host, int port,
                     List<String> nodeArgs) throws Exception {
        this.data = data;
        this.budget = budgetBytes;
        this.child = child;
        this.launcher = launcher;
        this.listenHost = listenHost;
        this.host = host;
        this.port = port;
        this.fixedPort = port != 0;
        this.nodeArgs = nodeArgs;
        int tlsAt = nodeArgs.indexOf("--tls");
        this.tls = tlsAt < 0 ? java.util.Optional.empty() : java.util.Optional.of(dev.torpor.tls.ClusterTls.load(Path.of(nodeArgs.get(tlsAt + 1))));
        this.http = tls.map(t -> HttpClient.newBuilder().sslContext(t.clientContext()).build()).orElseGet(HttpClient::newHttpClient);
        start();
    }

    /** A node run as {@code torpor node} in a JVM of its own, on this test's class path. */
    static TestNode inChildJvm(Path data, long budgetBytes) throws Exception {
        return new TestNode(data, budgetBytes, true);
    }

    /**
     * One node of several on this host: a child JVM listening on {@code host:port} (a loopback address of its own)
     * with {@code args} added to {@code torpor node}, e.g. {@code --node-id} and {@code --peer}.
     */
    static TestNode peer(Path data, long budgetBytes, String host, int port, List<String> args) throws Exception {
        return new TestNode(data, budgetBytes, true, List.of(), host, host, port, args);
    }

    /**
     * A child node whose command is prefixed with {@code launcher} (nsenter into a network namespace, say), listening
     * on every address it has there, and reached by the test at {@code host:port}.
     */
    static TestNode launched(List<String> launcher, Path data, long budgetBytes, String host, int port, List<String> args)
            throws Exception {
        // Every address of a namespace the test made is reachable by the test alone: no keys needed there.
        List<String> insecure = new ArrayList<>(args);
        insecure.add("--insecure");
        return new TestNode(data, budgetBytes, true, launcher, "0.0.0.0", host, port, insecure);
    }

    /** A child node started as {@code ./torpor node} starts it: under umask 077. */
    static TestNode underLauncherUmask(Path data, long budgetBytes) throws Exception {
        return new TestNode(data, budgetBytes, true, List.of("sh", "-c", "umask 077 && exec \"$@\"", "sh"), "127.0.0.1",
                "127.0.0.1", 0, List.of());
    }

    static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    void start() throws Exception {
        if (child) {
            startChild();
        } else {
            node = Node.start(NodeConfig.standalone("test", new InetSocketAddress("127.0.0.1", 0), data, budget));
        }
    }

    private void startChild() throws Exception {
        if (!fixedPort) port = freePort(host);
        String java = ProcessHandle.current().info().command().orElseThrow();
        Files.createDirectories(data);
        List<String> argv = new ArrayList<>(launcher);
        argv.addAll(List.of(java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.torpor.cli.TorporCli", "node",
                "--listen", listenHost + ":" + port, "--data", data.toString(), "--memory-budget", Long.toString(budget)));
        argv.addAll(nodeArgs);
        // A test's node starts its own mosquitto only when the test asks for one, on a port of its choosing.
        if (!nodeArgs.contains("--mqtt-port")) argv.addAll(List.of("--mqtt-port", "0"));
        process = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(childLog().toFile()))
                .start();
        AssertionError failure;
        try {
            Await.until("the child node answers or exits", () -> !process.isAlive() || answers(), CHILD_START_TIMEOUT);
            if (process.isAlive()) return;
            failure = new AssertionError("the child node exited with " + process.exitValue());
        } catch (AssertionError timedOut) {
            failure = timedOut;
        }
        // Killed here: a constructor that throws leaves the test no node to close.
        process.destroyForcibly().waitFor();
        throw new AssertionError(failure.getMessage() + ":\n" + childOutput());
    }

    /** The key of the {@code --credentials} file the node was started with, if any. */
    private java.util.Optional<dev.torpor.auth.RequestSigner> signer() {
        int i = nodeArgs.indexOf("--credentials");
        if (i < 0) return java.util.Optional.empty();
        return dev.torpor.auth.CredentialsFile.read(Path.of(nodeArgs.get(i + 1))).own()
                .map(key -> new dev.torpor.auth.RequestSigner(key, "us-east-1", java.time.Clock.systemUTC()));
    }

    /** Whether the node answers on its API yet. */
    private boolean answers() {
        try {
            return send("GET", "/torpor/v1/node", null, Map.of()).statusCode() == 200;
        } catch (UncheckedIOException e) {
            return false; // not listening yet
        }
    }

    /** Stops the node as an operator would (idle instances get checkpointed): close, or SIGTERM to a child. */
    void stop() throws InterruptedException {
        if (!child) {
            node.close();
            return;
        }
        process.destroy();
        if (!process.waitFor(2, TimeUnit.MINUTES)) throw new AssertionError("the child node did not stop on SIGTERM");
    }

    /** kill -9 of the child node: nothing of it runs its course. */
    void kill() throws InterruptedException {
        if (!child) throw new IllegalStateException("only a node in a child JVM can be killed");
        process.destroyForcibly().waitFor();
    }

    Node node() {
        return node;
    }

    String endpoint() {
        return (tls.isPresent() ? "https://" : "http://") + host + ":" + (child ? port : node.address().getPort());
    }

    /** What the child node printed, kept in its data dir (the node leaves files it does not know alone). */
    Path childLog() {
        return data.resolve("child-node.log");
    }

    String childOutput() {
        try {
            return Files.exists(childLog()) ? Files.readString(childLog()) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    HttpResponse<String> call(String method, String path, String body, Map<String, String> headers) {
        return send(method, path, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
    }

    HttpResponse<String> call(String method, String path, String body) {
        return call(method, path, body, Map.of());
    }

    /** A request to the node, signed with the node's own key when it was started with {@code --credentials}. */
    HttpResponse<String> send(String method, String path, byte[] body, Map<String, String> headers) {
        URI uri = URI.create(endpoint() + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        signer().ifPresent(s -> s.headers(method, uri, body == null ? new byte[0] : body).forEach(b::header));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** CreateFunction with the example's code. */
    HttpResponse<String> create(String name, String example, int memoryMiB, Map<String, String> env, Map<String, String> tags) {
        return create(createRequest(name, zipOf(EXAMPLES.resolve(example)), memoryMiB, 30, env, tags));
    }

    /** CreateFunction with one of the test functions in {@link #TEST_FUNCTIONS}. */
    HttpResponse<String> createTestFunction(String name, String testFunction, int timeoutSeconds, Map<String, String> env,
                                            Map<String, String> tags) {
        return create(createRequest(name, zipOf(TEST_FUNCTIONS.resolve(testFunction)), 128, timeoutSeconds, env, tags));
    }

    HttpResponse<String> create(ObjectNode request) {
        return call("POST", "/2015-03-31/functions", request.toString());
    }

    static ObjectNode createRequest(String name, byte[] zip, int memoryMiB, int timeoutSeconds, Map<String, String> env,
                                    Map<String, String> tags) {
        ObjectNode req = JSON.createObjectNode();
        req.put("FunctionName", name).put("Runtime", "provided.al2023").put("Handler", "none")
                .put("Role", "arn:aws:iam::000000000000:role/test").put("MemorySize", memoryMiB).put("Timeout", timeoutSeconds);
        req.putObject("Code").put("ZipFile", Base64.getEncoder().encodeToString(zip));
        req.putObject("Environment").set("Variables", JSON.valueToTree(env));
        req.set("Tags", JSON.valueToTree(tags));
        return req;
    }

    /** A synchronous Invoke, whatever it answers. */
    HttpResponse<String> invokeRaw(String name, String payload) {
        return call("POST", "/2015-03-31/functions/" + name + "/invocations", payload);
    }

    /** A synchronous Invoke that must succeed; its payload. */
    JsonNode invoke(String name, String payload) {
        HttpResponse<String> r = invokeRaw(name, payload);
        if (r.statusCode() != 200 || r.headers().firstValue("X-Amz-Function-Error").isPresent()) {
            throw new AssertionError("invoke " + name + " answered " + r.statusCode() + " " + r.headers().map() + ": " + r.body());
        }
        return json(r.body());
    }

    JsonNode instances() {
        HttpResponse<String> r = call("GET", "/torpor/v1/instances", null);
        if (r.statusCode() != 200) throw new AssertionError("listing instances answered " + r.statusCode() + ": " + r.body());
        return json(r.body()).get("instances");
    }

    /** The one live instance of a function (stopped and failed ones left aside). */
    JsonNode instanceOf(String function) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode i : instances()) {
            if (i.get("function").asText().equals(function) && !List.of("STOPPED", "FAILED").contains(i.get("state").asText())) {
                found.add(i);
            }
        }
        if (found.size() != 1) throw new AssertionError("not one live instance of " + function + " in " + instances());
        return found.getFirst();
    }

    /** The function's asynchronous event queue: depth, oldest age, retrying, dropped, recent drops. */
    JsonNode eventQueue(String function) {
        HttpResponse<String> r = call("GET", "/torpor/v1/functions/" + function + "/events", null);
        if (r.statusCode() != 200) throw new AssertionError("the queue of " + function + " answered " + r.statusCode() + ": " + r.body());
        return json(r.body());
    }

    JsonNode instance(String id) {
        HttpResponse<String> r = call("GET", "/torpor/v1/instances/" + id, null);
        if (r.statusCode() != 200) throw new AssertionError("instance " + id + " answered " + r.statusCode() + ": " + r.body());
        return json(r.body());
    }

    /** Torpor's manual checkpoint of one instance, whatever it answers. */
    HttpResponse<String> checkpoint(String id) {
        return call("POST", "/torpor/v1/instances/" + id + "/checkpoint", null);
    }

    /** Polls the instance until {@code condition} holds; the last view, or an error saying what it was instead. */
    JsonNode awaitInstance(String id, Predicate<JsonNode> condition, String what, Duration timeout) {
        return Await.matching(id + " is " + what, () -> instance(id), condition, timeout);
    }

    JsonNode awaitState(String id, String state, Duration timeout) {
        return awaitInstance(id, i -> i.get("state").asText().equals(state), state, timeout);
    }

    /**
     * Polls the instance's log until it holds every one of {@code lines}: output reaches the log through a pipe and a
     * copying thread, so it may lag behind the answer of the invocation that printed it.
     */
    String awaitLog(String id, String... lines) {
        return Await.matching("the log of " + id + " holds " + List.of(lines),
                () -> call("GET", "/torpor/v1/instances/" + id + "/logs", null).body(),
                log -> Arrays.stream(lines).allMatch(l -> log.contains(l + "\n")), Duration.ofSeconds(10));
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
        if (child) {
            if (process != null && process.isAlive()) process.destroyForcibly().waitFor();
        } else {
            try {
                node.instances().list().forEach(s -> node.instances().retire(s.function()));
                node.close();
            } catch (RuntimeException e) {
                // stopped already, or broken by the test: the sweep below still removes everything
            }
        }
        sweepContainers(data);
    }

    /** The addresses {@code host-local} holds for this node's instances: a file per address in its store. */
    List<Path> addressReservations() throws IOException {
        Path store = data.resolve("runtime/network/ipam/torpor-" + OciRuntimes.scopeOf(data.resolve("runtime")));
        if (!Files.isDirectory(store)) return List.of();
        try (java.util.stream.Stream<Path> files = Files.list(store)) {
            return files.filter(f -> Character.isDigit(f.getFileName().toString().charAt(0))).toList();
        }
    }

    /** Ids of the containers runc knows under a node's data dir, running, paused or stopped. */
    static List<String> containers(Path data) throws Exception {
        Process list = new ProcessBuilder("runc", "--root", data.resolve("runtime/state").toString(), "list", "-q")
                .redirectErrorStream(true).start();
        List<String> ids = new ArrayList<>();
        for (String id : new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\\s+")) {
            if (!id.isBlank()) ids.add(id);
        }
        list.waitFor();
        return ids;
    }

    List<String> containers() throws Exception {
        return containers(data);
    }

    /** What runc says of a container: created, running, paused or stopped. */
    String containerState(String id) throws Exception {
        Process state = new ProcessBuilder("runc", "--root", data.resolve("runtime/state").toString(), "state", id)
                .redirectErrorStream(true).start();
        String out = new String(state.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (state.waitFor() != 0) throw new AssertionError("runc state " + id + ": " + out);
        return json(out).get("status").asText();
    }

    /** Removes every container and network namespace a node on {@code data} may have left, even after kill -9. */
    static void sweepContainers(Path data) throws Exception {
        String state = data.resolve("runtime/state").toString();
        for (String id : containers(data)) {
            new ProcessBuilder("runc", "--root", state, "delete", "--force", id).inheritIO().start().waitFor();
        }
        // What runc forgets after a kill -9 is the namespaces the node made: all carry its scope.
        String prefix = "torpor-" + OciRuntimes.scopeOf(data.resolve("runtime")) + "-";
        Process netns = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        for (String line : new String(netns.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(prefix)) new ProcessBuilder("ip", "netns", "delete", name).inheritIO().start().waitFor();
        }
        netns.waitFor();
        // And the cgroup parents runc made for its containers, which a killed node had no chance to remove.
        CgroupDirs.host().removeEmpty("/torpor/" + OciRuntimes.scopeOf(data.resolve("runtime")));
        sweepNetwork(OciRuntimes.scopeOf(data.resolve("runtime")));
    }

    /** The bridge of a killed node with outbound functions, its guard chain and CNI's masquerade rules for it. */
    private static void sweepNetwork(String scope) throws Exception {
        new ProcessBuilder("ip", "link", "delete", "torpor" + scope).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        Process nat = new ProcessBuilder("iptables", "-w", "-t", "nat", "-S", "POSTROUTING").redirectErrorStream(true).start();
        String rules = new String(nat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        nat.waitFor();
        for (String rule : rules.split("\n")) {
            if (!rule.contains("name: \"torpor-" + scope + "\"")) continue;
            String chain = rule.substring(rule.lastIndexOf(" -j ") + 4).strip();
            // iptables -S quotes as a shell does: the rule deletes as it was printed
            new ProcessBuilder("sh", "-c", "iptables -w -t nat " + rule.replaceFirst("^-A ", "-D ")).start().waitFor();
            xtables("iptables", "-t", "nat", "-F", chain);
            xtables("iptables", "-t", "nat", "-X", chain);
        }
        for (String command : List.of("iptables", "ip6tables")) {
            xtables(command, "-D", "INPUT", "-i", "torpor" + scope, "-j", "TORPOR-IN-" + scope);
            xtables(command, "-F", "TORPOR-IN-" + scope);
            xtables(command, "-X", "TORPOR-IN-" + scope);
        }
    }

    private static void xtables(String command, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(command, "-w"));
        argv.addAll(List.of(args));
        new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }
}
