package dev.torpor.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.testing.Scrape;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The node's /metrics after a real cold start, checkpoint and restore: what they tell, and that promtool accepts it. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MetricsIT extends RealNodeCase {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool"); // scripts/install.sh --test

    @Test
    void aScrapeTellsTheColdStartAndTheRestoreAndPassesPromtool() throws Exception {
        assertThat(node.create("counter", "counter-python", 128, Map.of(), Map.of("torpor:suspend", "none")).statusCode())
                .isEqualTo(201);
        node.invoke("counter", "{\"n\":1}");
        node.invoke("counter", "{\"n\":2}");
        String id = node.instanceOf("counter").get("instanceId").asText();
        var cp = node.checkpoint(id);
        assertThat(cp.statusCode()).as(cp.body()).isEqualTo(200);
        node.invoke("counter", "{\"n\":3}");

        var response = node.call("GET", "/metrics", null);
        assertThat(response.statusCode()).isEqualTo(200);
        Scrape s = new Scrape(response.body());
        for (var wake : Map.of("start", 1.0, "warm", 1.0, "restore", 1.0).entrySet()) {
            assertThat(s.value("torpor_invocation_duration_seconds_count", Map.of("function", "counter", "wake", wake.getKey())))
                    .as("latencies of invocations woken by %s", wake.getKey()).isEqualTo(wake.getValue());
            assertThat(s.value("torpor_invocations_total", Map.of("function", "counter", "wake", wake.getKey(), "outcome", "ok")))
                    .as("invocations woken by %s", wake.getKey()).isEqualTo(wake.getValue());
        }
        assertThat(s.value("torpor_invocation_duration_seconds_sum", Map.of("function", "counter", "wake", "start")))
                .as("the cold start's latency holds the start")
                .isGreaterThanOrEqualTo(s.value("torpor_operation_duration_seconds_sum", Map.of("function", "counter", "operation", "start")));
        for (String operation : new String[] {"start", "checkpoint", "restore"}) {
            assertThat(s.value("torpor_operation_duration_seconds_count", Map.of("function", "counter", "operation", operation)))
                    .as(operation).isEqualTo(1);
        }
        assertThat(s.value("torpor_instances", Map.of("function", "counter", "state", "idle"))).isEqualTo(1);
        assertThat(s.value("torpor_agent_resident_bytes", Map.of())).isGreaterThan(s.value("torpor_agent_heap_used_bytes", Map.of()));

        assertThat(promtoolCheck(response.body())).isEmpty();
    }

    /** What {@code promtool check metrics} objects to; it fails the test if it cannot run or exits non-zero. */
    private static String promtoolCheck(String scrape) throws Exception {
        assertThat(Files.isExecutable(PROMTOOL)).as("%s (install with scripts/install.sh --test)", PROMTOOL).isTrue();
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(scrape.getBytes(UTF_8));
        }
        String said = new String(p.getInputStream().readAllBytes(), UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool ended").isTrue();
        assertThat(p.exitValue()).as("promtool check metrics: %s", said).isZero();
        return said;
    }
}
