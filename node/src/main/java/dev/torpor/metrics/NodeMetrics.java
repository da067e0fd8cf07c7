package dev.torpor.metrics;

import dev.torpor.lifecycle.Instance;
import dev.torpor.lifecycle.StateLoss;
import dev.torpor.lifecycle.InstanceState;
import dev.torpor.lifecycle.LifecycleObserver;
import dev.torpor.lifecycle.MemoryBudget;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The node's Prometheus metrics, fed by the lifecycle and scraped at {@code /metrics}. */
public final class NodeMetrics implements LifecycleObserver {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter invocations = Counter.builder().name("torpor_invocations_total")
            .help("Invocations that ran or failed to, by function, how the instance woke and outcome")
            .labelNames("function", "wake", "outcome").register(registry);
    private final Histogram invocationSeconds = Histogram.builder().name("torpor_invocation_duration_seconds")
            .help("Time from an invocation's arrival to its answer, its instance's start, restore or resume included")
            .labelNames("function", "wake").register(registry);
    private final Counter throttles = Counter.builder().name("torpor_throttles_total")
            .help("Invocations refused with a 429, by function and reason").labelNames("function", "reason").register(registry);
    private final Histogram operationSeconds = Histogram.builder().name("torpor_operation_duration_seconds")
            .help("Duration of lifecycle operations, by function").labelNames("function", "operation").register(registry);
    private final Histogram checkpointBytes = Histogram.builder().name("torpor_checkpoint_size_bytes")
            .help("Size of checkpoint images on disk").labelNames("function")
            .classicExponentialUpperBounds(1 << 20, 2, 12).register(registry);
    private final Counter failures = Counter.builder().name("torpor_operation_failures_total")
            .help("Lifecycle operations that failed and fell back, by function").labelNames("function", "operation")
            .register(registry);
    private final Counter quarantined = Counter.builder().name("torpor_images_quarantined_total")
            .help("Damaged checkpoint images moved into quarantine").register(registry);
    private final Counter statesLost = Counter.builder().name("torpor_state_lost_total")
            .help("Instances whose function state was lost by design, by function and reason (crash, out_of_memory, "
                    + "timeout, damaged_image, unfinished_image, gone_at_restart)")
            .labelNames("function", "reason").register(registry);

    public NodeMetrics(MemoryBudget budget) {
        GaugeWithCallback.builder().name("torpor_memory_budget_bytes").help("The node's memory budget for functions")
                .callback(cb -> cb.call(budget.limitBytes())).register(registry);
        GaugeWithCallback.builder().name("torpor_memory_reserved_bytes").help("Function memory reserved by resident instances")
                .callback(cb -> cb.call(budget.usedBytes())).register(registry);
        AgentMemory agent = new AgentMemory();
        GaugeWithCallback.builder().name("torpor_agent_heap_used_bytes").help("The agent's JVM heap in use")
                .callback(cb -> cb.call(agent.heapUsedBytes())).register(registry);
        GaugeWithCallback.builder().name("torpor_agent_heap_committed_bytes").help("The agent's JVM heap committed")
                .callback(cb -> cb.call(agent.heapCommittedBytes())).register(registry);
        GaugeWithCallback.builder().name("torpor_agent_resident_bytes").help("The agent process's resident memory (VmRSS)")
                .callback(cb -> cb.call(agent.residentBytes())).register(registry);
    }

    /** The gauges that read the instances, which are made after the metrics they report to. */
    public void watchInstances(Supplier<List<Instance.Snapshot>> instances, Supplier<Long> residentBytes) {
        GaugeWithCallback.builder().name("torpor_memory_resident_bytes").help("Memory charged to function cgroups now")
                .callback(cb -> cb.call(residentBytes.get())).register(registry);
        // Every state of each function that has instances, zeros included, so a state's line drops to 0, not away.
        GaugeWithCallback.builder().name("torpor_instances").help("Instances by function and state")
                .labelNames("function", "state").callback(cb -> {
                    Map<String, Map<InstanceState, Long>> counts = instances.get().stream().collect(Collectors.groupingBy(
                            Instance.Snapshot::function, TreeMap::new, Collectors.groupingBy(Instance.Snapshot::state, Collectors.counting())));
                    counts.forEach((function, byState) -> {
                        for (InstanceState state : InstanceState.values()) {
                            cb.call(byState.getOrDefault(state, 0L), function, label(state));
                        }
                    });
                }).register(registry);
    }

    @Override
    public void invoked(String function, Wake wake, Outcome outcome, Duration took) {
        invocations.labelValues(function, label(wake), label(outcome)).inc();
        invocationSeconds.labelValues(function, label(wake)).observe(seconds(took));
    }

    @Override
    public void throttled(String function, Throttle reason) {
        throttles.labelValues(function, label(reason)).inc();
    }

    @Override
    public void checkpointed(Instance.Snapshot instance, Duration took, long imageBytes) {
        operation(instance, "checkpoint", took);
        checkpointBytes.labelValues(instance.function()).observe(imageBytes);
    }

    @Override
    public void restored(Instance.Snapshot instance, Duration took) {
        operation(instance, "restore", took);
    }

    @Override
    public void paused(Instance.Snapshot instance, Duration took) {
        operation(instance, "pause", took);
    }

    @Override
    public void resumed(Instance.Snapshot instance, Duration took) {
        operation(instance, "resume", took);
    }

    @Override
    public void started(Instance.Snapshot instance, Duration took) {
        operation(instance, "start", took);
    }

    @Override
    public void operationFailed(Instance.Snapshot instance, String operation, String why) {
        failures.labelValues(instance.function(), operation).inc();
    }

    private void operation(Instance.Snapshot instance, String operation, Duration took) {
        operationSeconds.labelValues(instance.function(), operation).observe(seconds(took));
    }

    @Override
    public void imageQuarantined(Instance.Snapshot instance, Path where) {
        quarantined.inc();
    }

    @Override
    public void stateLost(Instance.Snapshot instance, StateLoss loss) {
        statesLost.labelValues(instance.function(), label(loss.reason())).inc();
    }

    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Label values are lower case, as Prometheus labels usually are. */
    private static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
