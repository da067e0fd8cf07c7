package dev.torpor.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.torpor.auth.Authenticator;
import dev.torpor.auth.Credentials;
import dev.torpor.auth.CredentialsFile;
import dev.torpor.auth.RequestSigner;
import dev.torpor.dashboard.Sessions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard of a node with keys, through the real router on loopback: a browser gets in only with a one-time link
 * that a signed call asked for, and its session cookie opens what the dashboard does, no more.
 */
@Timeout(30)
class DashboardAccessTest {
    private static final Credentials KEY = new Credentials("AKIDDASHBOARD", "dashboard-secret");
    private final HttpClient client = HttpClient.newHttpClient();
    private final RequestSigner signer = new RequestSigner(KEY, "us-east-1", Clock.systemUTC());
    private HttpServer server;
    private ExecutorService executor;
    private String base;

    @BeforeEach
    void start() throws IOException {
        Sessions sessions = new Sessions(Clock.systemUTC());
        RequestAccess access = new RequestAccess(java.util.Optional.of(new SignedRequests(
                new Authenticator(new CredentialsFile(Map.of("default", KEY)), Clock.systemUTC()))), sessions);
        Router router = new Router(access, new Members(java.util.Optional.empty()))
                .add("GET", "/torpor/v1/instances", r -> Response.json(200, Map.of("instances", java.util.List.of())))
                .add("POST", "/torpor/v1/instances/(?<id>[^/]+)/checkpoint", r -> Response.json(200, Map.of("id", r.instanceId())))
                .add("GET", "/torpor/v1/functions/(?<name>[^/]+)/triggers", r -> Response.json(200, Map.of("triggers", java.util.List.of())))
                .add("POST", "/torpor/v1/functions/(?<name>[^/]+)/triggers", r -> Response.empty(201))
                .add("DELETE", "/2015-03-31/functions/(?<name>[^/]+)", r -> Response.empty(204));
        new DashboardHandler(sessions, true, false).register(router);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.createContext("/", router);
        server.setExecutor(executor);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
        client.close();
    }

    @Test
    void aBrowserWithoutALoginLinkIsRefusedSayingHowToGetOne() throws Exception {
        HttpResponse<String> page = send("GET", "/ui/", Map.of());
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.headers().firstValue("X-Amzn-ErrorType")).hasValue("MissingAuthenticationTokenException");
        assertThat(page.body()).contains("torpor ui");
    }

    @Test
    void aLoginLinkWorksOnceAndItsCookieOpensTheDashboardOnly() throws Exception {
        String cookie = login(loginPath());
        assertThat(send("GET", "/ui/", Map.of("Cookie", cookie)).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/torpor/v1/instances", Map.of("Cookie", cookie)).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/torpor/v1/instances/i-1/checkpoint", Map.of("Cookie", cookie, RequestAccess.DASHBOARD_HEADER, "1"))
                .statusCode()).isEqualTo(200);

        assertThat(send("GET", "/torpor/v1/functions/f/triggers", Map.of("Cookie", cookie)).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/torpor/v1/functions/f/triggers", Map.of("Cookie", cookie, RequestAccess.DASHBOARD_HEADER, "1"))
                .statusCode()).as("the dashboard shows triggers, it does not add them").isEqualTo(403);

        HttpResponse<String> noHeader = send("POST", "/torpor/v1/instances/i-1/checkpoint", Map.of("Cookie", cookie));
        assertThat(noHeader.statusCode()).as("a write without the dashboard's header, as a cross-site form would send").isEqualTo(403);
        HttpResponse<String> outOfScope = send("DELETE", "/2015-03-31/functions/f", Map.of("Cookie", cookie, RequestAccess.DASHBOARD_HEADER, "1"));
        assertThat(outOfScope.statusCode()).as("what the dashboard does not do").isEqualTo(403);
        assertThat(outOfScope.body()).contains("may not call DELETE");
        HttpResponse<String> forged = send("GET", "/torpor/v1/instances", Map.of("Cookie", RequestAccess.COOKIE + "=made-up"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("session has ended");
    }

    @Test
    void aLoginLinkIsRefusedTheSecondTime() throws Exception {
        String path = loginPath();
        login(path);
        HttpResponse<String> again = send("GET", path, Map.of());
        assertThat(again.statusCode()).isEqualTo(403);
        assertThat(again.body()).contains("used already");
    }

    @Test
    void onlyASignedCallGetsALoginLink() throws Exception {
        assertThat(send("POST", "/torpor/v1/ui/login", Map.of()).statusCode()).isEqualTo(403);
    }

    /** The path of a one-time login link, asked for with a signed call as {@code torpor ui} does. */
    private String loginPath() throws Exception {
        URI uri = URI.create(base + "/torpor/v1/ui/login");
        HttpResponse<String> r = send("POST", "/torpor/v1/ui/login", signer.headers("POST", uri, new byte[0]));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String path = Response.JSON.readTree(r.body()).get("path").asText();
        assertThat(path).startsWith(DashboardHandler.LOGIN + "?token=");
        return path;
    }

    /** Follows a login link as a browser would; the session cookie it set, as a browser sends it back. */
    private String login(String path) throws Exception {
        HttpResponse<String> r = send("GET", path, Map.of());
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).hasValue("/ui/");
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly", "SameSite=Strict", "Path=/").startsWith(RequestAccess.COOKIE + "=");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
