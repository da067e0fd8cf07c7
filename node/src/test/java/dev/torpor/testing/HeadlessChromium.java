package dev.torpor.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol on a WebSocket from the
 * JDK's own client: navigate, evaluate script in the page, emulate a phone, take screenshots. It keeps the page's
 * uncaught exceptions and console and log errors (a Content-Security-Policy refusal among them), for the test to
 * assert there were none.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/chromium"); // scripts/install.sh --test
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration CALL = Duration.ofSeconds(60);
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> pageErrors = Collections.synchronizedList(new ArrayList<>());

    /** Starts Chromium with a fresh profile under {@code profile} and attaches to its first page. */
    public HeadlessChromium(Path profile) throws Exception {
        if (!Files.isExecutable(BINARY)) throw new AssertionError(BINARY + " is missing (install with scripts/install.sh --test)");
        // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
        process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                "--window-size=1280,900", "about:blank").redirectErrorStream(true).start();
        try {
            URI browser = URI.create(devToolsAddress());
            HttpClient http = HttpClient.newHttpClient();
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://" + browser.getAuthority() + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body());
            String page = null;
            for (JsonNode t : targets) if (t.path("type").asText().equals("page")) page = t.path("webSocketDebuggerUrl").asText();
            if (page == null) throw new AssertionError("Chromium opened no page: " + targets);
            socket = http.newWebSocketBuilder().buildAsync(URI.create(page), new Listener()).get(START.toSeconds(), TimeUnit.SECONDS);
            call("Page.enable", Map.of());
            call("Runtime.enable", Map.of());
            call("Log.enable", Map.of());
        } catch (Exception | AssertionError e) {
            process.destroyForcibly().waitFor();
            throw e;
        }
    }

    /** The browser's DevTools address, from the line Chromium prints when it listens. */
    private String devToolsAddress() throws Exception {
        CompletableFuture<String> address = new CompletableFuture<>();
        StringBuilder said = new StringBuilder();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    said.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) address.complete(m.group(1));
                }
                address.completeExceptionally(new AssertionError("Chromium exited without listening:\n" + said));
            } catch (IOException e) {
                address.completeExceptionally(e); // the rest of its output is not needed once it listens
            }
        });
        return address.get(START.toSeconds(), TimeUnit.SECONDS);
    }

    /** One DevTools command; its result, or an AssertionError with the protocol's error. */
    public JsonNode call(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        try {
            socket.sendText(message.toString(), true).get(CALL.toSeconds(), TimeUnit.SECONDS);
            JsonNode reply = answer.get(CALL.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) throw new AssertionError(method + " failed: " + reply.get("error"));
            return reply.path("result");
        } catch (Exception e) {
            throw new AssertionError(method + " got no answer: " + e, e);
        } finally {
            pending.remove(id);
        }
    }

    /** Loads {@code url} and waits for its load event. */
    public void navigate(String url) {
        JsonNode r = call("Page.navigate", Map.of("url", url));
        if (r.hasNonNull("errorText")) throw new AssertionError("loading " + url + " failed: " + r.get("errorText").asText());
        Await.until(url + " has loaded", () -> "complete".equals(evaluate("document.readyState").asText()), CALL);
    }

    /** The value of a script expression in the page (a promise awaited); an exception it throws fails the test. */
    public JsonNode evaluate(String expression) {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) throw new AssertionError("`" + expression + "` threw: " + r.get("exceptionDetails"));
        return r.path("result").path("value");
    }

    /** The viewport of a phone (its CSS pixels, touch, mobile layout), or of a desktop window again with {@code mobile} false. */
    public void viewport(int width, int height, boolean mobile) {
        call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", mobile ? 2 : 1,
                "mobile", mobile));
        call("Emulation.setTouchEmulationEnabled", Map.of("enabled", mobile));
    }

    /** A PNG of the whole page (beyond the viewport) written to {@code file}. */
    public void screenshot(Path file) throws IOException {
        JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
    }

    /** Uncaught exceptions, console errors and log errors (CSP refusals, failed loads) the page has had so far. */
    public List<String> pageErrors() {
        return List.copyOf(pageErrors);
    }

    @Override
    public void close() throws InterruptedException {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        } catch (RuntimeException e) {
            // the browser went away already; it is killed below either way
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }

    /** Answers to commands go to their caller; events of interest are kept. Messages may arrive in several parts. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                handle(text);
            }
            ws.request(1);
            return null;
        }

        private void handle(String text) {
            JsonNode message;
            try {
                message = JSON.readTree(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (message.has("id")) {
                Optional.ofNullable(pending.get(message.get("id").asInt())).ifPresent(f -> f.complete(message));
                return;
            }
            JsonNode p = message.path("params");
            switch (message.path("method").asText()) {
                case "Runtime.exceptionThrown" -> pageErrors.add("exception: " + p.path("exceptionDetails"));
                case "Runtime.consoleAPICalled" -> {
                    if (p.path("type").asText().equals("error")) pageErrors.add("console.error: " + p.path("args"));
                }
                case "Log.entryAdded" -> {
                    // Chromium aborts requests in flight whenever the host's interfaces change, as they do when other
                    // tests make their namespaces and bridges: the page's next poll asks again, so that is no page error.
                    JsonNode entry = p.path("entry");
                    if (entry.path("level").asText().equals("error") && !entry.path("text").asText().contains("ERR_NETWORK_CHANGED")) {
                        pageErrors.add("log: " + entry);
                    }
                }
                default -> { }
            }
        }
    }
}
