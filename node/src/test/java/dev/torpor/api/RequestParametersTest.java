package dev.torpor.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.torpor.api.lambda.CreateFunctionRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Query, path and body parameters read as the handlers read them, through the real router on loopback: whatever a
 * caller writes, a malformed value is a 400 with the Lambda error type, never a 500.
 */
@Timeout(30)
class RequestParametersTest {
    private static HttpServer server;
    private static ExecutorService executor;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        Router router = new Router(RequestAccess.open(), new Members(Optional.empty()))
                .add("GET", "/list", r -> Response.json(200, Map.of("max", String.valueOf(r.queryInt("MaxItems", 1, 100)))))
                .add("GET", "/pages/(?<id>[^/]+)", r -> Response.json(200, Map.of("id", r.instanceId(),
                        "count", r.requiredQueryLong("count", 1, 32))))
                .add("GET", "/functions/(?<name>[^/]+)", r -> Response.json(200, Map.of("name", r.functionName())))
                .add("PUT", "/lease", r -> Response.json(200, Map.of("ttlMs",
                        JsonBody.wholeNumber(JsonBody.object(r, 4096), "ttlMs", 1, 60_000))))
                .add("PUT", "/flag", r -> Response.json(200, Map.of("on", JsonBody.flag(JsonBody.object(r, 4096), "on", true))))
                .add("POST", "/create", r -> Response.json(200,
                        Map.of("memory", JsonBody.read(r, 4096, "too large", CreateFunctionRequest.class).memorySize())));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.createContext("/", router);
        server.setExecutor(executor);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        executor.shutdownNow();
        CLIENT.close();
    }

    @Test
    void wellFormedParametersAreRead() throws Exception {
        assertThat(get("/list?MaxItems=7").body()).contains("\"max\":\"7\"");
        assertThat(get("/list").body()).as("absent is null, the default is the handler's").contains("\"max\":\"null\"");
        assertThat(get("/pages/fn-1a2b?count=32").body()).contains("\"id\":\"fn-1a2b\"").contains("\"count\":32");
        assertThat(get("/functions/arn:aws:lambda:eu-west-1:123456789012:function:12345").body()).contains("\"name\":\"12345\"");
        assertThat(send("PUT", "/lease", "{\"ttlMs\": 6000}").body()).contains("6000");
        assertThat(send("PUT", "/flag", "{}").body()).contains("true");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/list?MaxItems=abc", "/list?MaxItems=1.5", "/list?MaxItems=0", "/list?MaxItems=99999999999",
        "/pages/fn?count=-1", "/pages/fn?count=999999", "/pages/fn?count=", "/pages/fn",
        "/pages/fn?count=12abc", "/pages/%2E%2E?count=1", "/pages/.hidden?count=1", "/functions/a%2Fb"})
    void malformedQueryAndPathParametersAre400(String path) throws Exception {
        assertInvalidParameter(get(path));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"ttlMs\": -1}", "{\"ttlMs\": 9223372036854775807}", "{\"ttlMs\": \"soon\"}", "{\"ttlMs\": 1.5}",
        "{}", "[1]", "null", "{\"ttlMs\": 99999999999999999999999}"})
    void leaseBodiesOutOfRangeOrOfTheWrongTypeAre400(String body) throws Exception {
        assertInvalidParameter(send("PUT", "/lease", body));
    }

    @Test
    void aFlagMustBeABoolean() throws Exception {
        assertInvalidParameter(send("PUT", "/flag", "{\"on\": \"maybe\"}"));
    }

    @Test
    void aFractionForAnIntegerFieldIsRefusedNotCut() throws Exception {
        HttpResponse<String> r = send("POST", "/create", "{\"MemorySize\": 128.7}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue(ErrorRenderer.ERROR_TYPE_HEADER)).hasValue("InvalidRequestContentException");
        assertThat(r.body()).contains("128.7");
        assertThat(send("POST", "/create", "{\"MemorySize\": 256}").body()).contains("256");
    }

    /** What java.net.URI refuses to build, written on the wire as a careless client would: the JDK's server refuses it before routing. */
    @ParameterizedTest
    @ValueSource(strings = {"GET /list?MaxItems=%zz", "GET /functions/%zz", "GET /pages/fn%?count=1"})
    void badUrlEscapesAre400(String requestLine) throws Exception {
        assertThat(raw(requestLine + " HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400");
    }

    /** Request reads the declared length as a number because the JDK's server refused any other before routing. */
    @Test
    void aContentLengthThatIsNoNumberIsRefused() throws Exception {
        assertThat(raw("PUT /lease HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n{}")).startsWith("HTTP/1.1 400");
    }

    /**
     * The refusal of a body over the limit comes after the body was read whole: a client still sending when the
     * node answered would see its connection reset, which the AWS CLI reports (and retries) as a dropped connection.
     */
    @Test
    void aBodyOverTheLimitIsReadToItsEndThenRefusedWith413() throws Exception {
        byte[] body = new byte[8 * 1024 * 1024];
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
            s.getOutputStream().write(("PUT /lease HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 413").contains("RequestTooLargeException");
        }
        HttpResponse<String> streamed = CLIENT.send(HttpRequest.newBuilder(uri("/lease"))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(streamed.statusCode()).as("a body of undeclared length").isEqualTo(413);
    }

    @ParameterizedTest
    @CsvSource({"GET, /2018-10-31/layers, ListLayers", "POST, /2015-03-31/functions/f/policy, AddPermission",
        "GET, /2021-10-31/functions/f/url, GetFunctionUrlConfig", "PATCH, /2015-03-31/functions/f, PATCH /2015-03-31/functions/f"})
    void aLambdaOperationNotOfferedIsNamedAsUnsupportedNotAsAMissingFunction(String method, String path, String named)
            throws Exception {
        HttpResponse<String> r = send(method, path, "{}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue(ErrorRenderer.ERROR_TYPE_HEADER)).hasValue("UnsupportedOperationException");
        assertThat(r.body()).contains("Torpor does not support").contains(named);
        assertThat(get("/nowhere").statusCode()).as("outside the Lambda API a path is just not found").isEqualTo(404);
    }

    private static String raw(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static void assertInvalidParameter(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.uri() + ": " + r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue(ErrorRenderer.ERROR_TYPE_HEADER)).hasValue("InvalidParameterValueException");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }
}
