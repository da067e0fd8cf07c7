package dev.torpor.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.torpor.api.ErrorRenderer;
import dev.torpor.auth.Credentials;
import dev.torpor.auth.RequestSigner;
import dev.torpor.tls.ClusterTls;
import java.nio.file.Path;
import dev.torpor.function.LambdaAccount;
import dev.torpor.api.InstanceView;
import dev.torpor.api.NodeInfo;
import dev.torpor.api.PolicyView;
import dev.torpor.api.lambda.CreateFunctionRequest;
import dev.torpor.api.lambda.Environment;
import dev.torpor.api.lambda.FunctionConfiguration;
import dev.torpor.api.lambda.ListFunctionsResponse;
import dev.torpor.api.lambda.PutFunctionConcurrencyRequest;
import dev.torpor.api.lambda.UpdateFunctionCodeRequest;
import dev.torpor.api.lambda.UpdateFunctionConfigurationRequest;
import dev.torpor.cluster.MigrationMode;
import dev.torpor.cluster.MigrationReport;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A client of one node's API: Lambda's function management and Invoke, and Torpor's own instance and node calls.
 * A call the node refuses throws {@link ApiError}; a node that cannot be reached throws {@link Unreachable}.
 */
public final class NodeClient implements AutoCloseable {
    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:9000";
    /** The environment variable naming the CA certificates to trust, as the AWS CLI's. */
    public static final String CA_BUNDLE = "AWS_CA_BUNDLE";
    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** Management calls may wait for a checkpoint or restore; an invoke waits as long as the function runs. */
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);
    private static final String FUNCTIONS = "/2015-03-31/functions/";
    private static final String CUSTOM_RUNTIME = "provided.al2023";
    /** Lambda requires a role; a node has no IAM and does not check it. */
    private static final String ROLE = "arn:aws:iam::000000000000:role/torpor";

    private final URI endpoint;
    private final HttpClient http;
    /** Signs every call when AWS credentials are set, as the AWS CLI finds them: a node with keys checks them. */
    private final Optional<RequestSigner> signer;

    public NodeClient(String endpoint) {
        this(endpoint, System.getenv());
    }

    /**
     * {@code env}: where the keys come from, as the process environment would give them, and the CA an https node's
     * certificate must come from ({@value #CA_BUNDLE}, as the AWS CLI takes it; else the JDK's public CAs).
     */
    public NodeClient(String endpoint, Map<String, String> env) {
        this.endpoint = parse(endpoint);
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (this.endpoint.getScheme().equals("http")) http.sslContext(PlainHttp.SSL_CONTEXT);
        else Optional.ofNullable(env.get(CA_BUNDLE)).filter(f -> !f.isBlank()).map(Path::of).map(ClusterTls::trustingOnly).ifPresent(http::sslContext);
        this.http = http.build();
        String region = Optional.ofNullable(env.get("AWS_REGION")).or(() -> Optional.ofNullable(env.get("AWS_DEFAULT_REGION")))
                .orElse(LambdaAccount.DEFAULT.region());
        this.signer = Credentials.fromEnvironment(env).map(c -> new RequestSigner(c, region, Clock.systemUTC()));
    }

    private static URI parse(String endpoint) {
        try {
            URI uri = new URI(endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) return uri;
        } catch (java.net.URISyntaxException e) {
            // said below
        }
        throw new UsageError("not an http endpoint: '" + endpoint + "' (try " + DEFAULT_ENDPOINT + ")");
    }

    public URI endpoint() {
        return endpoint;
    }

    // ---- Lambda ------------------------------------------------------------------------------------------------

    public FunctionConfiguration createFunction(CreateFunctionRequest request) {
        return read(send("POST", FUNCTIONS, json(request)), FunctionConfiguration.class);
    }

    /**
     * Creates a function whose zip carries its own {@code bootstrap} (a custom runtime, the only kind a node runs);
     * {@code tags} may hold its suspend policy.
     */
    public FunctionConfiguration createFunction(String name, byte[] zip, int memoryMiB, int timeoutSeconds,
                                                Map<String, String> environment, Map<String, String> tags) {
        return createFunction(new CreateFunctionRequest(name, CUSTOM_RUNTIME, ROLE, "bootstrap", null, timeoutSeconds,
                memoryMiB, new Environment(environment), tags, new CreateFunctionRequest.Code(zip, null, null, null), "Zip", null, null));
    }

    public FunctionConfiguration updateFunctionCode(String name, byte[] zip) {
        return read(send("PUT", function(name) + "/code", json(new UpdateFunctionCodeRequest(zip, null, null, null, null, null, null))),
                FunctionConfiguration.class);
    }

    public FunctionConfiguration updateFunctionConfiguration(String name, UpdateFunctionConfigurationRequest request) {
        return read(send("PUT", function(name) + "/configuration", json(request)), FunctionConfiguration.class);
    }

    public void putFunctionConcurrency(String name, int reserved) {
        send("PUT", "/2017-10-31/functions/" + encode(name) + "/concurrency", json(new PutFunctionConcurrencyRequest(reserved)));
    }

    /** Every function, following ListFunctions' pages. */
    public List<FunctionConfiguration> listFunctions() {
        List<FunctionConfiguration> all = new ArrayList<>();
        String marker = null;
        do {
            String query = marker == null ? "" : "?Marker=" + encode(marker);
            ListFunctionsResponse page = read(send("GET", FUNCTIONS + query, null), ListFunctionsResponse.class);
            all.addAll(page.functions());
            marker = page.nextMarker();
        } while (marker != null);
        return all;
    }

    public void deleteFunction(String name) {
        send("DELETE", function(name), null);
    }

    /** A synchronous invoke: the function's answer, or its error payload when {@link Invoked#functionError()} is set. */
    public Invoked invoke(String name, byte[] payload) {
        HttpResponse<byte[]> r = send("POST", function(name) + "/invocations", payload);
        return new Invoked(r.body(), r.headers().firstValue("X-Amz-Function-Error").orElse(null));
    }

    /** An asynchronous invoke (InvocationType Event): the node queues it and answers at once. */
    public void invokeEvent(String name, byte[] payload) {
        send(request("POST", function(name) + "/invocations", payload).header("X-Amz-Invocation-Type", "Event").build());
    }

    // ---- Torpor ------------------------------------------------------------------------------------------------

    public List<InstanceView> instances() {
        return read(instancesJson(), InstanceView.Page.class).instances();
    }

    /** The instance list as the node sent it. */
    public byte[] instancesJson() {
        return send("GET", "/torpor/v1/instances", null).body();
    }

    public InstanceView instance(String id) {
        return read(send("GET", instancePath(id), null).body(), InstanceView.class);
    }

    public InstanceView checkpoint(String id) {
        return read(send("POST", instancePath(id) + "/checkpoint", null).body(), InstanceView.class);
    }

    public InstanceView restore(String id) {
        return read(send("POST", instancePath(id) + "/restore", null).body(), InstanceView.class);
    }

    /** What the instance printed (stdout and stderr). */
    public String logs(String id) {
        return new String(send("GET", instancePath(id) + "/logs", null).body(), StandardCharsets.UTF_8);
    }

    public PolicyView policy(String function) {
        return read(send("GET", policyPath(function), null), PolicyView.class);
    }

    /** Changes the fields of {@code change} that are not null; answers the policy now in force. */
    public PolicyView setPolicy(String function, PolicyView change) {
        return read(send("PUT", policyPath(function), json(change)), PolicyView.class);
    }

    /** Moves an instance to another node; answers the node's migration report. */
    public MigrationReport migrate(String id, String target, boolean compress, Optional<MigrationMode> mode) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("target", target, "compress", compress));
        mode.ifPresent(m -> body.put("mode", m.wire()));
        return read(send("POST", instancePath(id) + "/migrate", json(body)), MigrationReport.class);
    }

    /** Moves every instance off the node; answers one report (or error) per instance. */
    public JsonNode drain(boolean compress) {
        return read(send("POST", "/torpor/v1/node/drain", json(Map.of("compress", compress))), JsonNode.class);
    }

    /**
     * Where a browser opens the node's dashboard: on a node with keys a one-time login link (good for two minutes),
     * else the dashboard itself.
     */
    public URI dashboardLink() {
        return URI.create(endpoint + read(send("POST", "/torpor/v1/ui/login", null), JsonNode.class).path("path").asText());
    }

    public NodeInfo info() {
        return read(send("GET", "/torpor/v1/node", null), NodeInfo.class);
    }

    @Override
    public void close() {
        http.close();
    }

    // ---- results and failures ----------------------------------------------------------------------------------

    /** An answer of a synchronous invoke. */
    public record Invoked(byte[] payload, String functionError) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(payload);
            } catch (IOException e) {
                throw new IllegalStateException("the function answered something other than JSON: " + text(), e);
            }
        }
    }

    /** The node refused a call with Lambda's error shape: {@code errorType} is its {@code X-Amzn-ErrorType}. */
    public static final class ApiError extends RuntimeException {
        private final int status;
        private final String errorType;

        ApiError(int status, String errorType, String message) {
            super(message);
            this.status = status;
            this.errorType = errorType;
        }

        public int status() {
            return status;
        }

        public String errorType() {
            return errorType;
        }
    }

    /** No node answers at the endpoint (or it stopped answering): nothing the node itself said. */
    public static final class Unreachable extends RuntimeException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    // ---- HTTP --------------------------------------------------------------------------------------------------

    private HttpResponse<byte[]> send(String method, String path, byte[] body) {
        return send(request(method, path, body).build());
    }

    private HttpRequest.Builder request(String method, String path, byte[] body) {
        URI uri = URI.create(endpoint + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) b.header("Content-Type", "application/json");
        signer.ifPresent(s -> s.headers(method, uri, body == null ? new byte[0] : body).forEach(b::header));
        return b;
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        HttpResponse<byte[]> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new Unreachable("no Torpor node answers at " + endpoint
                    + " (start one with `torpor node`, or point --endpoint or TORPOR_ENDPOINT at one)", e);
        } catch (IOException e) {
            throw new Unreachable("lost the connection to the node at " + endpoint + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while waiting for the node at " + endpoint, e);
        }
        if (r.statusCode() >= 300) throw apiError(r);
        return r;
    }

    /** Lambda's error shape: the error type in a header, {@code {"Type", "Message"}} in the body. */
    static ApiError apiError(HttpResponse<byte[]> r) {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        String message = body.strip();
        try {
            JsonNode json = JSON.readTree(r.body());
            if (json != null && json.hasNonNull("Message")) message = json.get("Message").asText();
        } catch (IOException e) {
            // not JSON: the body itself is the best message there is
        }
        String type = r.headers().firstValue(ErrorRenderer.ERROR_TYPE_HEADER).orElse("HTTP " + r.statusCode());
        return new ApiError(r.statusCode(), type, message.isEmpty() ? "(no message)" : message);
    }

    private static <T> T read(HttpResponse<byte[]> r, Class<T> type) {
        return read(r.body(), type);
    }

    private static <T> T read(byte[] body, Class<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (IOException e) {
            throw new IllegalStateException("the node answered something that is not a " + type.getSimpleName() + ": "
                    + new String(body, StandardCharsets.UTF_8), e);
        }
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value + " as JSON", e);
        }
    }

    private static String function(String name) {
        return FUNCTIONS + encode(name);
    }

    private static String instancePath(String id) {
        return "/torpor/v1/instances/" + encode(id);
    }

    private static String policyPath(String function) {
        return "/torpor/v1/functions/" + encode(function) + "/policy";
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }
}
