package dev.torpor.lifecycle;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.checkpoint.DirectoryCheckpointStore;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.Launch;
import dev.torpor.function.Invocation;
import dev.torpor.function.InvocationResult;
import dev.torpor.function.SuspendPolicy;
import dev.torpor.function.SuspendPolicy.Mode;
import dev.torpor.testing.Await;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An instance manager over a fake runtime whose "containers" speak the real relay protocol to the real channel; its tests share this. */
@Timeout(60)
abstract class InstanceManagerFixture {
    static final int MEMORY_MIB = 128;
    static final long MEMORY = MEMORY_MIB * 1024L * 1024L;
    static final long IDLE_MS = 50;
    static final long NEVER_MS = Duration.ofHours(1).toMillis();

    @TempDir
    Path tmp;

    final FakeContainerRuntime runtime = new FakeContainerRuntime();
    final Map<String, FunctionDefinition> functions = new ConcurrentHashMap<>();
    final InMemoryInstanceStore store = new InMemoryInstanceStore();
    FaultyCheckpointStore images;
    MemoryBudget budget;
    InstanceManager manager;

    @BeforeEach
    void setUp() {
        startManager(16 * MEMORY, Duration.ofSeconds(5));
    }

    @AfterEach
    void tearDown() {
        manager.close();
        runtime.close();
    }

    void startManager(long budgetBytes, Duration admissionTimeout) {
        startManager(budgetBytes, admissionTimeout, new LifecycleObserver() {});
    }

    void startManager(long budgetBytes, Duration admissionTimeout, LifecycleObserver observer) {
        if (manager != null) manager.close();
        images = new FaultyCheckpointStore(new DirectoryCheckpointStore(tmp.resolve("images")));
        budget = new MemoryBudget(budgetBytes);
        manager = new InstanceManager(runtime, images, budget, store, observer,
                Clock.systemUTC(), Executors.newSingleThreadScheduledExecutor(),
                new InstanceManager.Settings(tmp.resolve("instances"), "eu-west-1", Duration.ofSeconds(5), admissionTimeout),
                name -> Optional.ofNullable(functions.get(name)), fn -> new Launch(tmp.resolve("code").resolve(fn.name()), tmp.resolve("runtimes"), List.of("/var/task/bootstrap")));
    }

    /** A new agent over what the old one left: the same runtime, images and store. */
    void restartManager() throws InterruptedException {
        startManager(budget.limitBytes(), Duration.ofSeconds(5));
        manager.recover();
    }

    FunctionDefinition deploy(String name, Mode mode, long idleMs) {
        Map<String, String> tags = new SuspendPolicy(mode, Duration.ofMillis(idleMs)).toTags();
        FunctionDefinition fn = new FunctionDefinition(name, "provided.al2023", "handler", "", MEMORY_MIB, 3, Map.of(),
                tags, FunctionDefinition.UNRESERVED, "c0de", 1, 1, "rev-1", Instant.now());
        functions.put(name, fn);
        return fn;
    }

    InvocationResult invokeRaw(FunctionDefinition fn, String payload, Duration timeout) throws InterruptedException {
        return invokeRaw(fn, payload, timeout, ServingGate.OPEN);
    }

    InvocationResult invokeRaw(FunctionDefinition fn, String payload, Duration timeout, ServingGate gate) throws InterruptedException {
        return manager.invoke(fn, Invocation.of(payload.getBytes(UTF_8), timeout,
                "arn:aws:lambda:eu-west-1:000000000000:function:" + fn.name(), null), gate);
    }

    /** Invokes and returns the function's answer, which must be a success. */
    String invoke(FunctionDefinition fn, String payload) throws InterruptedException {
        InvocationResult r = invokeRaw(fn, payload, Duration.ofSeconds(10));
        assertThat(r.functionError()).as("function error of %s", new String(r.payload(), UTF_8)).isNull();
        return new String(r.payload(), UTF_8);
    }

    List<Instance.Snapshot> instancesOf(FunctionDefinition fn) {
        return manager.list().stream().filter(s -> s.function().equals(fn.name())).toList();
    }

    Instance.Snapshot instanceOf(FunctionDefinition fn) {
        List<Instance.Snapshot> all = instancesOf(fn);
        assertThat(all).as("instances of %s", fn.name()).hasSize(1);
        return all.getFirst();
    }

    Instance.Snapshot awaitState(FunctionDefinition fn, InstanceState state) {
        Await.until(fn.name() + " is " + state, () -> instanceOf(fn).state() == state);
        return instanceOf(fn);
    }

    /** A budget with room for one instance, taken by the function deployed here after one invocation. */
    FunctionDefinition onlySlotTakenBy(String name, Mode mode, long idleMs, Duration admissionTimeout)
            throws InterruptedException {
        startManager(MEMORY, admissionTimeout);
        FunctionDefinition fn = deploy(name, mode, idleMs);
        assertThat(invoke(fn, "a")).isEqualTo("a#1");
        return fn;
    }

    /** One invocation, after which the instance waits for the next; its id. */
    String idleAfterOneInvocation(FunctionDefinition fn) throws InterruptedException {
        assertThat(invoke(fn, "a")).isEqualTo("a#1");
        return awaitState(fn, InstanceState.IDLE).id();
    }

    /** One invocation, then the idle policy checkpoints the instance. */
    Instance.Snapshot checkpointedAfterOneInvocation(FunctionDefinition fn) throws InterruptedException {
        assertThat(invoke(fn, "a")).isEqualTo("a#1");
        return awaitState(fn, InstanceState.CHECKPOINTED);
    }

}
