package dev.torpor.metrics;

import dev.torpor.lifecycle.Instance;
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
import java.util.function.Supplier;

/** The node's Prometheus metrics, fed by the lifecycle and scraped at {@code /metrics}. */
public final class NodeMetrics implements LifecycleObserver {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter invocations = Counter.builder().name("torpor_invocations_total")
            .help("Invocations answered, by function and outcome").labelNames("function", "outcome").register(registry);
    private final Histogram invocationSeconds = Histogram.builder().name("torpor_invocation_seconds")
            .help("Time from an invocation's arrival to its answer").labelNames("function").register(registry);
    private final Histogram operationSeconds = Histogram.builder().name("torpor_operation_seconds")
            .help("Duration of lifecycle operations").labelNames("operation").register(registry);
    private final Histogram checkpointBytes = Histogram.builder().name("torpor_checkpoint_bytes")
            .help("Size of checkpoint images on disk").classicExponentialUpperBounds(1 << 20, 2, 12).register(registry);
    private final Counter failures = Counter.builder().name("torpor_operation_failures_total")
            .help("Lifecycle operations that failed and fell back").labelNames("operation").register(registry);
    private final Counter quarantined = Counter.builder().name("torpor_images_quarantined_total")
            .help("Damaged checkpoint images moved into quarantine").register(registry);

    public NodeMetrics(MemoryBudget budget) {
        GaugeWithCallback.builder().name("torpor_memory_budget_bytes").help("The node's memory budget for functions")
                .callback(cb -> cb.call(budget.limitBytes())).register(registry);
        GaugeWithCallback.builder().name("torpor_memory_reserved_bytes").help("Function memory reserved by resident instances")
                .callback(cb -> cb.call(budget.usedBytes())).register(registry);
    }

    /** The resident-memory gauge reads the instances, which are made after the metrics they report to. */
    public void watchResident(Supplier<Long> residentBytes) {
        GaugeWithCallback.builder().name("torpor_memory_resident_bytes").help("Memory charged to function cgroups now")
                .callback(cb -> cb.call(residentBytes.get())).register(registry);
    }

    @Override
    public void invoked(String function, boolean functionError, Duration took) {
        invocations.labelValues(function, functionError ? "function_error" : "ok").inc();
        invocationSeconds.labelValues(function).observe(seconds(took));
    }

    @Override
    public void checkpointed(Instance.Snapshot instance, Duration took, long imageBytes) {
        operationSeconds.labelValues("checkpoint").observe(seconds(took));
        checkpointBytes.observe(imageBytes);
    }

    @Override
    public void restored(Instance.Snapshot instance, Duration took) {
        operationSeconds.labelValues("restore").observe(seconds(took));
    }

    @Override
    public void paused(Instance.Snapshot instance, Duration took) {
        operationSeconds.labelValues("pause").observe(seconds(took));
    }

    @Override
    public void resumed(Instance.Snapshot instance, Duration took) {
        operationSeconds.labelValues("resume").observe(seconds(took));
    }

    @Override
    public void started(Instance.Snapshot instance, Duration took) {
        operationSeconds.labelValues("start").observe(seconds(took));
    }

    @Override
    public void operationFailed(Instance.Snapshot instance, String operation, String why) {
        failures.labelValues(operation).inc();
    }

    @Override
    public void imageQuarantined(Instance.Snapshot instance, Path where) {
        quarantined.inc();
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

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
