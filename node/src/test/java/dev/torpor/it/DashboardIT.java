package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.testing.Await;
import dev.torpor.testing.HeadlessChromium;
import dev.torpor.cli.client.NodeClient;
import dev.torpor.node.Node;
import dev.torpor.node.NodeConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium, from a real node running real functions: they appear, a checkpoint and
 * a restore asked for with the page's own buttons (and confirmed in its dialog) show on the page as they happen, the
 * memory chart fills, a schedule trigger and the function's queue show, a policy changes from the page, and the page fits a phone. Screenshots are kept in node/target/dashboard/.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DashboardIT extends RealNodeCase {
    private static final Path SCREENSHOTS = Path.of("target", "dashboard");
    private static final Duration PAGE = DashboardPage.PAGE;

    @TempDir
    Path profile;

    private HeadlessChromium browser;
    private DashboardPage page;

    @BeforeEach
    void startBrowser() throws Exception {
        browser = new HeadlessChromium(profile);
        page = new DashboardPage(browser);
    }

    @AfterEach
    void stopBrowser() throws Exception {
        if (browser != null) browser.close();
    }

    @Test
    void showsTheFunctionsAndAnInstanceCheckpointedAndRestoredFromThePage() throws Exception {
        for (String[] f : new String[][] {{"counter", "counter-python"}, {"bash-counter", "counter-bash"}}) {
            assertThat(node.create(f[0], f[1], 128, Map.of(), Map.of("torpor:suspend", "none")).statusCode()).isEqualTo(201);
            node.invoke(f[0], "{}");
        }
        String id = node.instanceOf("counter").get("instanceId").asText();

        browser.navigate(node.endpoint() + "/ui/");
        Await.until("both functions show on the page", () -> {
            String names = browser.evaluate("[...document.querySelectorAll('#instances .card h3')].map(h => h.textContent).join(',')").asText();
            return names.contains("counter") && names.contains("bash-counter");
        }, PAGE);
        page.awaitState(id, "IDLE", () -> node.instance(id).get("state").asText());

        page.press(id, "checkpoint");
        page.awaitState(id, "CHECKPOINTED", () -> node.instance(id).get("state").asText());
        assertThat(node.instance(id).get("state").asText()).isEqualTo("CHECKPOINTED");
        page.press(id, "restore");
        page.awaitState(id, "IDLE", () -> node.instance(id).get("state").asText());
        assertThat(browser.evaluate(DashboardPage.card(id) + ".querySelector('.trail').textContent").asText())
                .as("the instance's trail of states").contains("CHECKPOINTED", "RESTORING");

        JsonNode chart = Await.matching("the memory chart has samples with resident memory",
                () -> browser.evaluate("({samples: +document.getElementById('memory').dataset.samples, "
                        + "peak: +document.getElementById('memory').dataset.peakResident, "
                        + "canvas: !!document.querySelector('#memory canvas')})"),
                c -> c.path("samples").asInt() >= 3 && c.path("peak").asLong() > 0 && c.path("canvas").asBoolean(), PAGE);
        assertThat(chart.path("peak").asLong()).as("peak resident bytes").isGreaterThan(1 << 20);
        Await.until("the latencies table shows the checkpoint and the restore", () -> {
            String rows = browser.evaluate("document.querySelector('#latencies tbody').textContent").asText();
            return rows.contains("checkpoint") && rows.contains("restore") && rows.contains("cold start");
        }, PAGE);
        assertThat(node.call("POST", "/torpor/v1/functions/counter/triggers",
                "{\"type\": \"schedule\", \"expression\": \"rate(1 minute)\"}").statusCode()).isEqualTo(201);
        JsonNode events = Await.matching("the trigger and the queue show on the page", () -> browser.evaluate(
                "({trigger: document.querySelector('#triggers tr[data-function=\"counter\"]')?.textContent ?? '', "
                        + "depth: document.querySelector('#queues tr[data-function=\"counter\"] td.num')?.textContent ?? ''})"),
                e -> e.path("trigger").asText().contains("rate(1 minute)") && !e.path("depth").asText().isEmpty(), PAGE);
        assertThat(events.path("trigger").asText()).contains("schedule", "next ");
        assertThat(events.path("depth").asText()).as("the queue's depth, as the node counts it")
                .isEqualTo(node.eventQueue("counter").get("depth").asText());
        page.pressIn("document.querySelector('#functions tr[data-function=\"counter\"]')", "policy", "policy changed",
                "suspend", "pause", "idleMs", "5000");
        JsonNode policy = TestNode.json(node.call("GET", "/torpor/v1/functions/counter/policy", null).body());
        assertThat(policy.get("suspend").asText()).isEqualTo("pause");
        assertThat(policy.get("idleMs").asLong()).isEqualTo(5000);
        browser.screenshot(SCREENSHOTS.resolve("dashboard.png"));

        browser.viewport(390, 844, true);
        Await.until("the page has laid itself out for a phone", () ->
                browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth").asBoolean(), PAGE);
        browser.screenshot(SCREENSHOTS.resolve("dashboard-phone.png"));
        assertThat(browser.pageErrors()).as("errors in the page").isEmpty();
    }

    /** The page's reader of /metrics, loaded as the page loads it: labels (escapes too), sums, and quantiles as Prometheus estimates them. */
    @Test
    void theMetricsReaderSumsAndEstimatesQuantilesAsPrometheusDoes() throws Exception {
        String scrape = """
                # HELP x_total invocations
                x_total{function="a",outcome="ok"} 3
                x_total{function="a",outcome="timeout"} 2
                x_total{function="b",outcome="ok"} 7
                h_bucket{function="a",le="0.1"} 0
                h_bucket{function="a",le="1.0"} 10
                h_bucket{function="a",le="+Inf"} 10
                past_bucket{le="1.0"} 0
                past_bucket{le="+Inf"} 4
                y{l="say \\"hi\\""} 1
                """;
        browser.navigate(node.endpoint() + "/ui/");
        JsonNode r = browser.evaluate("import(location.origin + '/ui/prometheus.js').then(m => { const s = m.parse("
                + TestNode.JSON.writeValueAsString(scrape) + "); return {a: m.sum(s, 'x_total', {function: 'a'}), "
                + "all: m.sum(s, 'x_total'), p50: m.quantile(s, 'h', {function: 'a'}, 0.5), p95: m.quantile(s, 'h', {function: 'a'}, 0.95), "
                + "none: String(m.quantile(s, 'h', {function: 'b'}, 0.5)), past: m.quantile(s, 'past', {}, 0.5), "
                + "label: s.find(x => x.name === 'y').labels.l, functions: m.labelValues(s, 'x_total', 'function')}; })");
        assertThat(r.get("a").asDouble()).isEqualTo(5);
        assertThat(r.get("all").asDouble()).isEqualTo(12);
        assertThat(r.get("p50").asDouble()).isCloseTo(0.55, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.get("p95").asDouble()).isCloseTo(0.955, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.get("none").asText()).as("no observations").isEqualTo("NaN");
        assertThat(r.get("past").asDouble()).as("all past the highest finite bound: that bound").isEqualTo(1.0);
        assertThat(r.get("label").asText()).isEqualTo("say \"hi\"");
        assertThat(r.get("functions").toString()).isEqualTo("[\"a\",\"b\"]");
    }

    /**
     * A node with keys: a browser without a login link is refused; with the link {@code torpor ui} would print it
     * gets in, sees the function and checkpoints it from the page (a write through its session); the link is then spent.
     */
    @Test
    void aNodeWithKeysLetsTheBrowserInThroughItsOneTimeLoginLink(@TempDir Path keysDir) throws Exception {
        Path credentials = keysDir.resolve("credentials");
        Files.writeString(credentials, "[default]\naws_access_key_id = AKIDDASHBOARD\naws_secret_access_key = dashboard-secret\n");
        Path keyedData = keysDir.resolve("data");
        try (Node keyed = Node.start(NodeConfig.standalone("keyed", new InetSocketAddress("127.0.0.1", 0), keyedData, 512L << 20)
                .withCredentials(credentials));
             NodeClient cli = new NodeClient("http://127.0.0.1:" + keyed.address().getPort(),
                     Map.of("AWS_ACCESS_KEY_ID", "AKIDDASHBOARD", "AWS_SECRET_ACCESS_KEY", "dashboard-secret"))) {
            cli.createFunction("bash-counter", TestNode.zipOf(TestNode.EXAMPLES.resolve("counter-bash")), 128, 30, Map.of(),
                    Map.of("torpor:suspend", "none"));
            cli.invoke("bash-counter", "{}".getBytes(StandardCharsets.UTF_8));
            String id = cli.instances().getFirst().instanceId();

            browser.navigate(cli.endpoint() + "/ui/");
            assertThat(browser.evaluate("document.body.textContent").asText()).contains("torpor ui");

            String link = cli.dashboardLink().toString();
            browser.navigate(link);
            page.awaitState(id, "IDLE", () -> cli.instance(id).state().name());
            page.press(id, "checkpoint");
            page.awaitState(id, "CHECKPOINTED", () -> cli.instance(id).state().name());
            assertThat(cli.instance(id).state().name()).isEqualTo("CHECKPOINTED");
            assertThat(browser.evaluate("document.cookie").asText()).as("the session cookie is HttpOnly: no script reads it").isEmpty();

            browser.navigate(link);
            assertThat(browser.evaluate("document.body.textContent").asText()).contains("used already");
            cli.deleteFunction("bash-counter");
        } finally {
            TestNode.sweepContainers(keyedData);
        }
    }

}
