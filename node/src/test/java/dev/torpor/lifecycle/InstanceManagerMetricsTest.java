package dev.torpor.lifecycle;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.SuspendPolicy.Mode;
import dev.torpor.lifecycle.FakeContainerRuntime.Verb;
import dev.torpor.metrics.NodeMetrics;
import dev.torpor.testing.Await;
import dev.torpor.testing.Scrape;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the node's metrics tell of the lifecycle, scraped as Prometheus would, over the fake runtime. */
class InstanceManagerMetricsTest extends InstanceManagerFixture {
    NodeMetrics metrics;

    @Override
    void startManager(long budgetBytes, Duration admissionTimeout) {
        metrics = new NodeMetrics(new MemoryBudget(budgetBytes));
        startManager(budgetBytes, admissionTimeout, metrics);
        metrics.watchInstances(manager::list, () -> 0L);
    }

    Scrape scrape() {
        return new Scrape(new String(metrics.scrape(), UTF_8));
    }

    @Test
    void eachInvocationSaysHowItsInstanceWokeAndItsLatencyCountsTheWake() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, NEVER_MS);
        assertThat(invoke(fn, "a")).isEqualTo("a#1");
        assertThat(invoke(fn, "b")).isEqualTo("b#2");
        String id = awaitState(fn, InstanceState.IDLE).id();
        manager.checkpoint(id);
        assertThat(invoke(fn, "c")).isEqualTo("c#3");
        awaitState(fn, InstanceState.IDLE);
        manager.checkpoint(id);
        manager.restore(id);
        assertThat(invoke(fn, "d")).as("restored by hand, then warm").isEqualTo("d#4");

        Scrape s = scrape();
        for (var wake : Map.of("start", 1.0, "warm", 2.0, "restore", 1.0).entrySet()) {
            assertThat(s.value("torpor_invocations_total", Map.of("function", "echo", "wake", wake.getKey(), "outcome", "ok")))
                    .as("invocations woken by %s", wake.getKey()).isEqualTo(wake.getValue());
            assertThat(s.value("torpor_invocation_duration_seconds_count", Map.of("function", "echo", "wake", wake.getKey())))
                    .as("latencies of invocations woken by %s", wake.getKey()).isEqualTo(wake.getValue());
        }
        // the latency of the cold start holds the start itself, and that of the restore the restore
        assertThat(s.value("torpor_invocation_duration_seconds_sum", Map.of("wake", "start")))
                .isGreaterThanOrEqualTo(s.value("torpor_operation_duration_seconds_sum", Map.of("function", "echo", "operation", "start")));
        assertThat(s.value("torpor_operation_duration_seconds_count", Map.of("function", "echo", "operation", "restore"))).isEqualTo(2);
        assertThat(s.value("torpor_operation_duration_seconds_count", Map.of("function", "echo", "operation", "checkpoint"))).isEqualTo(2);
        assertThat(s.value("torpor_checkpoint_size_bytes_count", Map.of("function", "echo"))).isEqualTo(2);
    }

    @Test
    void aResumedInstanceSaysResume() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.PAUSE, IDLE_MS);
        assertThat(invoke(fn, "a")).isEqualTo("a#1");
        awaitState(fn, InstanceState.PAUSED);
        assertThat(invoke(fn, "b")).isEqualTo("b#2");

        Scrape s = scrape();
        assertThat(s.value("torpor_invocations_total", Map.of("function", "echo", "wake", "resume", "outcome", "ok"))).isEqualTo(1);
        assertThat(s.value("torpor_operation_duration_seconds_count", Map.of("function", "echo", "operation", "pause"))).isEqualTo(1);
        assertThat(s.value("torpor_operation_duration_seconds_count", Map.of("function", "echo", "operation", "resume"))).isEqualTo(1);
        assertThat(s.value("torpor_instances", Map.of("function", "echo", "state", "paused"))).isZero();
    }

    @Test
    void aTimeoutIsCountedApartFromFunctionErrors() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.NONE, NEVER_MS);

        assertThat(invokeRaw(fn, FakeFunction.HANG, Duration.ofMillis(300)).functionError()).isNotNull();

        Scrape s = scrape();
        assertThat(s.value("torpor_invocations_total", Map.of("function", "echo", "outcome", "timeout"))).isEqualTo(1);
        assertThat(s.value("torpor_invocations_total", Map.of("function", "echo", "outcome", "function_error"))).isZero();
    }

    @Test
    void throttlesAreCountedWithTheirReasonAndNotAsInvocations() throws Exception {
        FunctionDefinition resident = onlySlotTakenBy("resident", Mode.CHECKPOINT, NEVER_MS, Duration.ofMillis(300));
        FunctionDefinition other = deploy("other", Mode.CHECKPOINT, NEVER_MS);
        runtime.failNext(Verb.CHECKPOINT, "Error (criu/cr-dump.c:2093): Dumping FAILED.");
        assertThatThrownBy(() -> invoke(other, "x")).isInstanceOfSatisfying(TorporException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.TOO_MANY_REQUESTS));
        FunctionDefinition closed = reserved(deploy("closed", Mode.NONE, NEVER_MS), 0);
        assertThatThrownBy(() -> invoke(closed, "x")).isInstanceOfSatisfying(TorporException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.TOO_MANY_REQUESTS));

        Scrape s = scrape();
        assertThat(s.value("torpor_throttles_total", Map.of("function", "other", "reason", "memory_budget"))).isEqualTo(1);
        assertThat(s.value("torpor_throttles_total", Map.of("function", "closed", "reason", "reserved_concurrency"))).isEqualTo(1);
        assertThat(s.value("torpor_invocations_total", Map.of("function", "other"))).isZero();
        assertThat(s.value("torpor_invocations_total", Map.of("function", "closed"))).isZero();
        assertThat(s.value("torpor_operation_failures_total", Map.of("function", "resident", "operation", "checkpoint"))).isEqualTo(1);
        assertThat(s.value("torpor_instances", Map.of("function", resident.name(), "state", "idle"))).isEqualTo(1);
    }

    @Test
    void aSlotThatStaysBusyIsAnAdmissionTimeout() throws Exception {
        startManager(16 * MEMORY, Duration.ofMillis(200));
        FunctionDefinition fn = deploy("echo", Mode.NONE, NEVER_MS);
        Thread hanging = Thread.ofVirtual().start(() -> {
            try {
                invokeRaw(fn, FakeFunction.HANG, Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Await.until("the hanging invocation holds the slot", () -> instancesOf(fn).stream().anyMatch(i -> i.state() == InstanceState.BUSY));

        assertThatThrownBy(() -> invoke(fn, "x")).isInstanceOfSatisfying(TorporException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.TOO_MANY_REQUESTS));
        hanging.join();

        assertThat(scrape().value("torpor_throttles_total", Map.of("function", "echo", "reason", "admission_timeout"))).isEqualTo(1);
    }

    @Test
    void instancesAreCountedByStateAndTheAgentsOwnMemoryIsThere() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, NEVER_MS);
        String id = idleAfterOneInvocation(fn);
        manager.checkpoint(id);

        Scrape s = scrape();
        assertThat(s.value("torpor_instances", Map.of("function", "echo", "state", "checkpointed"))).isEqualTo(1);
        assertThat(s.value("torpor_instances", Map.of("function", "echo", "state", "idle"))).isZero();
        assertThat(s.value("torpor_instances", Map.of("function", "echo"))).isEqualTo(1);
        assertThat(s.value("torpor_agent_resident_bytes", Map.of())).isGreaterThan(s.value("torpor_agent_heap_used_bytes", Map.of()));
        assertThat(s.value("torpor_agent_heap_committed_bytes", Map.of())).isGreaterThan(0);
    }

    private FunctionDefinition reserved(FunctionDefinition fn, int concurrency) {
        FunctionDefinition r = new FunctionDefinition(fn.name(), fn.runtime(), fn.handler(), fn.description(), fn.memoryMiB(),
                fn.timeoutSeconds(), fn.environment(), fn.tags(), concurrency, fn.codeSha256(), fn.codeSize(), fn.revision(),
                fn.revisionId(), fn.lastModified());
        functions.put(r.name(), r);
        return r;
    }
}
