package dev.torpor.metrics;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.lifecycle.Instance;
import dev.torpor.lifecycle.InstanceState;
import dev.torpor.lifecycle.LifecycleObserver.Outcome;
import dev.torpor.lifecycle.LifecycleObserver.Throttle;
import dev.torpor.lifecycle.LifecycleObserver.Wake;
import dev.torpor.lifecycle.MemoryBudget;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard in docs/ asks only for metrics the node exports, so a rename cannot leave it blank. */
class DashboardTest {
    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "torpor.json");
    private static final Pattern METRIC = Pattern.compile("torpor_[a-z_]+");
    private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) ");

    @Test
    void everyMetricOfTheDashboardIsExported() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> asked = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            Matcher m = METRIC.matcher(expr.asText());
            while (m.find()) asked.add(m.group().replaceAll("_(bucket|count|sum)$", ""));
        }
        Set<String> exported = new TreeSet<>();
        Matcher m = TYPE.matcher(new String(everySeries().scrape(), UTF_8));
        while (m.find()) exported.add(m.group(1));

        assertThat(asked).as("metrics of %s", DASHBOARD).isNotEmpty();
        assertThat(exported).containsAll(asked);
    }

    /** Metrics with a line of each series: one with labels shows only once something happened to it. */
    private static NodeMetrics everySeries() {
        NodeMetrics metrics = new NodeMetrics(new MemoryBudget(1 << 30));
        Instance.Snapshot instance = new Instance("i-1", "echo", 1, 1 << 20, InstanceState.IDLE, Instant.EPOCH).snapshot();
        metrics.watchInstances(() -> List.of(instance), () -> 0L);
        metrics.invoked("echo", Wake.START, Outcome.OK, Duration.ofSeconds(1));
        metrics.throttled("echo", Throttle.MEMORY_BUDGET);
        metrics.checkpointed(instance, Duration.ofSeconds(1), 1 << 20);
        metrics.operationFailed(instance, "checkpoint", "Dumping FAILED");
        return metrics;
    }
}
