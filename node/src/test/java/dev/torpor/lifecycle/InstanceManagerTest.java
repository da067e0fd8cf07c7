package dev.torpor.lifecycle;

import static dev.torpor.lifecycle.FakeContainerRuntime.Verb.CHECKPOINT;
import static dev.torpor.lifecycle.FakeContainerRuntime.Verb.RESTORE;
import static dev.torpor.lifecycle.FakeContainerRuntime.Verb.START;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.checkpoint.DirectoryCheckpointStore;
import dev.torpor.checkpoint.Manifest;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.Invocation;
import dev.torpor.function.InvocationResult;
import dev.torpor.function.SuspendPolicy;
import dev.torpor.function.SuspendPolicy.Mode;
import dev.torpor.testing.Await;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The instance manager over a fake runtime whose "containers" speak the real relay protocol to the real channel. */
@Timeout(60)
class InstanceManagerTest {
    private static final int MEMORY_MIB = 128;
    private static final long MEMORY = MEMORY_MIB * 1024L * 1024L;
    private static final long IDLE_MS = 50;
    private static final long NEVER_MS = Duration.ofHours(1).toMillis();

    @TempDir
    Path tmp;

    private final FakeContainerRuntime runtime = new FakeContainerRuntime();
    private final Map<String, FunctionDefinition> functions = new ConcurrentHashMap<>();
    private final InstanceStore store = new InMemoryInstanceStore();
    private FaultyCheckpointStore images;
    private MemoryBudget budget;
    private InstanceManager manager;

    @BeforeEach
    void setUp() {
        startManager(16 * MEMORY, Duration.ofSeconds(5));
    }

    @AfterEach
    void tearDown() {
        manager.close();
        runtime.close();
    }

    private void startManager(long budgetBytes, Duration admissionTimeout) {
        startManager(budgetBytes, admissionTimeout, new LifecycleObserver() {});
    }

    private void startManager(long budgetBytes, Duration admissionTimeout, LifecycleObserver observer) {
        if (manager != null) manager.close();
        images = new FaultyCheckpointStore(new DirectoryCheckpointStore(tmp.resolve("images")));
        budget = new MemoryBudget(budgetBytes);
        manager = new InstanceManager(runtime, images, budget, store, observer,
                Clock.systemUTC(), Executors.newSingleThreadScheduledExecutor(),
                new InstanceManager.Settings(tmp.resolve("instances"), "eu-west-1", Duration.ofSeconds(5), admissionTimeout),
                name -> Optional.ofNullable(functions.get(name)), fn -> tmp.resolve("code").resolve(fn.name()));
    }

    /** A new agent over what the old one left: the same runtime, images and store. */
    private void restartManager() throws InterruptedException {
        startManager(budget.limitBytes(), Duration.ofSeconds(5));
        manager.recover();
    }

    private FunctionDefinition deploy(String name, Mode mode, long idleMs) {
        Map<String, String> tags = new SuspendPolicy(mode, Duration.ofMillis(idleMs)).toTags();
        FunctionDefinition fn = new FunctionDefinition(name, "provided.al2023", "handler", "", MEMORY_MIB, 3, Map.of(),
                tags, FunctionDefinition.UNRESERVED, "c0de", 1, 1, "rev-1", Instant.now());
        functions.put(name, fn);
        return fn;
    }

    private InvocationResult invokeRaw(FunctionDefinition fn, String payload, Duration timeout) throws InterruptedException {
        return invokeRaw(fn, payload, timeout, ServingGate.OPEN);
    }

    private InvocationResult invokeRaw(FunctionDefinition fn, String payload, Duration timeout, ServingGate gate) throws InterruptedException {
        return manager.invoke(fn, Invocation.of(payload.getBytes(UTF_8), System.currentTimeMillis() + timeout.toMillis(),
                "arn:aws:lambda:eu-west-1:000000000000:function:" + fn.name(), null), gate);
    }

    /** Invokes and returns the function's answer, which must be a success. */
    private String invoke(FunctionDefinition fn, String payload) throws InterruptedException {
        InvocationResult r = invokeRaw(fn, payload, Duration.ofSeconds(10));
        assertThat(r.functionError()).as("function error of %s", new String(r.payload(), UTF_8)).isNull();
        return new String(r.payload(), UTF_8);
    }

    private List<Instance.Snapshot> instancesOf(FunctionDefinition fn) {
        return manager.list().stream().filter(s -> s.function().equals(fn.name())).toList();
    }

    private Instance.Snapshot instanceOf(FunctionDefinition fn) {
        List<Instance.Snapshot> all = instancesOf(fn);
        assertThat(all).as("instances of %s", fn.name()).hasSize(1);
        return all.getFirst();
    }

    private Instance.Snapshot awaitState(FunctionDefinition fn, InstanceState state) {
        Await.until(fn.name() + " is " + state, () -> instanceOf(fn).state() == state);
        return instanceOf(fn);
    }

    /** A budget with room for one instance, taken by the function deployed here after one invocation. */
    private FunctionDefinition onlySlotTakenBy(String name, Mode mode, long idleMs, Duration admissionTimeout)
            throws InterruptedException {
        startManager(MEMORY, admissionTimeout);
        FunctionDefinition fn = deploy(name, mode, idleMs);
        assertThat(invoke(fn, "a")).isEqualTo("a#1");
        return fn;
    }

    /** One invocation, after which the instance waits for the next; its id. */
    private String idleAfterOneInvocation(FunctionDefinition fn) throws InterruptedException {
        assertThat(invoke(fn, "a")).isEqualTo("a#1");
        return awaitState(fn, InstanceState.IDLE).id();
    }

    /** One invocation, then the idle policy checkpoints the instance. */
    private Instance.Snapshot checkpointedAfterOneInvocation(FunctionDefinition fn) throws InterruptedException {
        assertThat(invoke(fn, "a")).isEqualTo("a#1");
        return awaitState(fn, InstanceState.CHECKPOINTED);
    }

    @Test
    void anInvocationStartsAnInstanceAndReturnsItsAnswer() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, NEVER_MS);

        assertThat(invoke(fn, "hello")).isEqualTo("hello#1");

        Instance.Snapshot s = awaitState(fn, InstanceState.IDLE);
        assertThat(runtime.verbs(s.id())).containsExactly("start");
        assertThat(s.invocations()).isEqualTo(1);
        assertThat(budget.holds(s.id())).isTrue();
        assertThat(budget.usedBytes()).isEqualTo(MEMORY);
    }

    @Test
    void theNextInvocationReusesTheRunningInstance() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, NEVER_MS);

        invoke(fn, "one");
        assertThat(invoke(fn, "two")).isEqualTo("two#2");

        assertThat(runtime.count(START)).isEqualTo(1);
        assertThat(instanceOf(fn).invocations()).isEqualTo(2);
    }

    @Test
    void anIdleInstanceIsCheckpointedAndComesBackWithItsMemory() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, IDLE_MS);

        Instance.Snapshot checkpointed = checkpointedAfterOneInvocation(fn);

        assertThat(budget.holds(checkpointed.id())).isFalse();
        assertThat(budget.usedBytes()).isZero();
        assertThat(runtime.containerCount()).isZero();
        assertThat(images.latest(checkpointed.id())).isPresent();
        assertThat(checkpointed.imageBytes()).isPositive();

        assertThat(invoke(fn, "b")).as("the counter goes on after the restore").isEqualTo("b#2");
        assertThat(instanceOf(fn).restores()).isEqualTo(1);
        assertThat(runtime.count(START)).isEqualTo(1);
    }

    @Test
    void aCheckpointCycleRunsTheseRuntimeVerbs() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, IDLE_MS);
        String id = checkpointedAfterOneInvocation(fn).id();

        invoke(fn, "b");
        Await.until("checkpointed again", () -> instanceOf(fn).checkpoints() == 2);

        assertThat(runtime.verbs(id)).containsExactly("start", "checkpoint", "restore", "checkpoint");
        assertThat(instanceOf(fn).history()).containsSubsequence(
                InstanceState.STARTING, InstanceState.IDLE, InstanceState.BUSY, InstanceState.IDLE,
                InstanceState.CHECKPOINTING, InstanceState.CHECKPOINTED, InstanceState.RESTORING, InstanceState.IDLE,
                InstanceState.BUSY, InstanceState.IDLE, InstanceState.CHECKPOINTING, InstanceState.CHECKPOINTED);
    }

    @Test
    void thePausePolicyFreezesAndAnInvocationResumes() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.PAUSE, IDLE_MS);
        invoke(fn, "a");

        String id = awaitState(fn, InstanceState.PAUSED).id();
        assertThat(budget.holds(id)).as("a paused instance keeps its memory").isTrue();

        assertThat(invoke(fn, "b")).isEqualTo("b#2");
        assertThat(runtime.verbs(id)).startsWith("start", "pause", "resume");
        assertThat(images.latest(id)).isEmpty();
    }

    @Test
    void aFailedCheckpointLeavesTheInstanceRunningAndFallsBackToPause() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, IDLE_MS);
        runtime.failNext(CHECKPOINT, "Error (criu/sk-inet.c:191): inet: Connected TCP socket, consider using --tcp-established");

        invoke(fn, "a");

        Instance.Snapshot s = awaitState(fn, InstanceState.PAUSED);
        assertThat(s.lastError()).contains("checkpoint failed").contains("consider using --tcp-established");
        assertThat(s.checkpoints()).isZero();
        assertThat(images.latest(s.id())).isEmpty();
        assertThat(budget.holds(s.id())).isTrue();
        assertThat(runtime.verbs(s.id())).containsExactly("start", "checkpoint (failed)", "pause");

        assertThat(invoke(fn, "b")).as("the same process serves on").isEqualTo("b#2");
        assertThat(runtime.verbs(s.id())).startsWith("start", "checkpoint (failed)", "pause", "resume");
    }

    @Test
    void aCheckpointWhoseImageCannotBeCompletedFailsTheInstanceInsteadOfLeavingItStuck() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, IDLE_MS);
        images.failNextCommit("No space left on device");

        invoke(fn, "a");

        Instance.Snapshot s = awaitState(fn, InstanceState.FAILED);
        assertThat(s.lastError()).contains("cannot complete the checkpoint image").contains("No space left on device");
        assertThat(runtime.containerCount()).as("the dump ended the process").isZero();
        assertThat(budget.usedBytes()).isZero();
        assertThat(images.latest(s.id())).isEmpty();
        assertThat(invoke(fn, "b")).as("a fresh instance").isEqualTo("b#1");
    }

    @Test
    void aFailedRestoreKeepsTheImageAndTheInstanceCheckpointed() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, IDLE_MS);
        String id = checkpointedAfterOneInvocation(fn).id();
        runtime.failNext(RESTORE, "Error (criu/mount.c:1234): mnt: Can't mount at ./sys/fs/cgroup");

        assertThatThrownBy(() -> invoke(fn, "b")).isInstanceOfSatisfying(TorporException.class,
                e -> assertThat(e.detail()).contains("Can't mount at"));

        Instance.Snapshot s = instanceOf(fn);
        assertThat(s.state()).isEqualTo(InstanceState.CHECKPOINTED);
        assertThat(s.lastError()).contains("restore failed").contains("Can't mount at");
        assertThat(images.latest(id)).isPresent();
        assertThat(budget.holds(id)).isFalse();
        assertThat(runtime.containerCount()).isZero();

        assertThat(invoke(fn, "c")).as("the kept image restores later").isEqualTo("c#2");
    }

    @Test
    void theMemoryBudgetIsNeverOvercommittedAndTheLeastRecentlyUsedGoFirst() throws Exception {
        startManager(2 * MEMORY, Duration.ofSeconds(5));
        List<FunctionDefinition> fns = new ArrayList<>();
        for (int i = 0; i < 5; i++) fns.add(deploy("f" + i, Mode.CHECKPOINT, NEVER_MS));

        for (int round = 1; round <= 3; round++) {
            for (FunctionDefinition fn : fns) {
                assertThat(invoke(fn, fn.name())).isEqualTo(fn.name() + "#" + round);
                assertThat(budget.usedBytes()).isLessThanOrEqualTo(2 * MEMORY);
            }
        }

        assertThat(runtime.containersAtLaunch()).hasSize(15).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
        List<String> evicted = runtime.calls().stream().filter(c -> c.verb() == CHECKPOINT)
                .map(c -> c.id().substring(0, c.id().indexOf('-'))).toList();
        assertThat(evicted).containsExactly("f0", "f1", "f2", "f3", "f4", "f0", "f1", "f2", "f3", "f4", "f0", "f1", "f2");
        assertThat(runtime.count(START)).isEqualTo(5);
        assertThat(runtime.count(RESTORE)).isEqualTo(10);
    }

    @Test
    void concurrentInvocationsShareATightBudgetWithoutLosingState() throws Exception {
        startManager(2 * MEMORY, Duration.ofSeconds(20));
        List<FunctionDefinition> fns = new ArrayList<>();
        for (int i = 0; i < 4; i++) fns.add(deploy("f" + i, i % 2 == 0 ? Mode.CHECKPOINT : Mode.PAUSE, IDLE_MS / 5));

        try (var pool = Executors.newFixedThreadPool(fns.size())) {
            List<Future<List<String>>> answers = new ArrayList<>();
            for (FunctionDefinition fn : fns) {
                answers.add(pool.submit(() -> {
                    List<String> got = new ArrayList<>();
                    for (int n = 0; n < 15; n++) got.add(invoke(fn, fn.name()));
                    return got;
                }));
            }
            for (int i = 0; i < fns.size(); i++) {
                String name = fns.get(i).name();
                assertThat(answers.get(i).get()).isEqualTo(IntStream.rangeClosed(1, 15)
                        .mapToObj(n -> name + "#" + n).toList());
            }
        }
        assertThat(runtime.containersAtLaunch()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
        assertThat(runtime.count(START)).isEqualTo(4);
    }

    @Test
    void aPausedInstanceIsEvictedThroughAResume() throws Exception {
        FunctionDefinition paused = onlySlotTakenBy("paused", Mode.PAUSE, IDLE_MS, Duration.ofSeconds(5));
        FunctionDefinition other = deploy("other", Mode.CHECKPOINT, NEVER_MS);
        String id = awaitState(paused, InstanceState.PAUSED).id();

        assertThat(invoke(other, "x")).isEqualTo("x#1");

        assertThat(instanceOf(paused).state()).isEqualTo(InstanceState.CHECKPOINTED);
        assertThat(runtime.verbs(id)).containsExactly("start", "pause", "resume", "checkpoint");
        assertThat(invoke(paused, "b")).isEqualTo("b#2");
    }

    @Test
    void whenNoInstanceCanBeCheckpointedTheInvocationIsRefusedAndNothingIsEvicted() throws Exception {
        FunctionDefinition resident = onlySlotTakenBy("resident", Mode.CHECKPOINT, NEVER_MS, Duration.ofMillis(300));
        FunctionDefinition other = deploy("other", Mode.CHECKPOINT, NEVER_MS);
        runtime.failNext(CHECKPOINT, "Error (criu/cr-dump.c:2093): Dumping FAILED.");

        assertThatThrownBy(() -> invoke(other, "x")).isInstanceOfSatisfying(TorporException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.TOO_MANY_REQUESTS));

        assertThat(instancesOf(other)).as("the instance that found no room is forgotten").isEmpty();
        assertThat(runtime.count(START)).as("it never started").isEqualTo(1);
        Instance.Snapshot s = instanceOf(resident);
        assertThat(s.state()).isEqualTo(InstanceState.IDLE);
        assertThat(s.lastError()).contains("Dumping FAILED");
        assertThat(budget.usedBytes()).isEqualTo(MEMORY);
        assertThat(invoke(resident, "b")).isEqualTo("b#2");
    }

    @Test
    void aVictimThatCannotBeCheckpointedDoesNotKeepTheCallerSpinning() throws Exception {
        FunctionDefinition gone = onlySlotTakenBy("gone", Mode.CHECKPOINT, NEVER_MS, Duration.ofMillis(300));
        FunctionDefinition other = deploy("other", Mode.CHECKPOINT, NEVER_MS);
        functions.remove(gone.name()); // as after a delete that raced an invocation: no definition to checkpoint it with

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> invoke(other, "x"))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TOO_MANY_REQUESTS)));
    }

    @Test
    void anInstanceCanBeCheckpointedAndRestoredOnRequest() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.NONE, 0);
        String id = idleAfterOneInvocation(fn);

        assertThat(manager.checkpoint(id).state()).isEqualTo(InstanceState.CHECKPOINTED);
        assertThat(budget.usedBytes()).isZero();
        assertThat(manager.restore(id).state()).isEqualTo(InstanceState.IDLE);

        assertThat(budget.holds(id)).isTrue();
        assertThat(invoke(fn, "b")).isEqualTo("b#2");
        assertThat(runtime.verbs(id)).containsExactly("start", "checkpoint", "restore");
    }

    @Test
    void aBackupDumpsAnIdleInstanceAndLeavesItRunningWithItsState() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, NEVER_MS);
        String id = idleAfterOneInvocation(fn);
        DirectoryCheckpointStore backups = new DirectoryCheckpointStore(tmp.resolve("backups"));

        Optional<CheckpointStore.Image> image = manager.backup(id, backups, Duration.ZERO);

        assertThat(image).isPresent();
        assertThat(image.get().manifest().totalBytes()).isPositive();
        assertThat(runtime.verbs(id)).containsExactly("start", "checkpoint");
        assertThat(instanceOf(fn).state()).isEqualTo(InstanceState.IDLE);
        assertThat(instanceOf(fn).checkpoints()).as("a backup is not a checkpoint of the instance").isZero();
        assertThat(invoke(fn, "b")).as("the same process goes on").isEqualTo("b#2");
    }

    @Test
    void frequentBackupsDoNotKeepAnIdleInstanceFromBeingSuspended() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, IDLE_MS);
        invoke(fn, "a");
        String id = instanceOf(fn).id();
        DirectoryCheckpointStore backups = new DirectoryCheckpointStore(tmp.resolve("backups"));
        // Backups twice per idle period: frequent, yet with gaps between them, as a real interval leaves.
        long interval = Math.max(1, IDLE_MS / 2);

        Instant deadline = Instant.now().plusMillis(IDLE_MS * 100);
        while (instanceOf(fn).state() != InstanceState.CHECKPOINTED && Instant.now().isBefore(deadline)) {
            manager.backup(id, backups, Duration.ZERO);
            Thread.sleep(interval);
        }

        assertThat(instanceOf(fn).state()).isEqualTo(InstanceState.CHECKPOINTED);
    }

    @Test
    void anInvocationDuringABackupWaitsForItInsteadOfStartingASecondInstance() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, NEVER_MS);
        String id = idleAfterOneInvocation(fn);
        CountDownLatch proceed = new CountDownLatch(1);
        var pool = Executors.newVirtualThreadPerTaskExecutor();
        Future<?> backup = backupHeldAtItsCommit(id, proceed, pool);
        Future<String> during = pool.submit(() -> invoke(fn, "b"));
        Thread.sleep(300);
        assertThat(during).as("the invocation waits for the backup").isNotDone();
        proceed.countDown();

        assertThat(during.get()).isEqualTo("b#2");
        backup.get();
        assertThat(runtime.count(START)).isEqualTo(1);
        assertThat(instancesOf(fn)).hasSize(1);
    }

    @Test
    void aBackupOfAClaimedInstanceWaitsForItsReleaseWithinItsDeadline() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, NEVER_MS);
        String id = idleAfterOneInvocation(fn);
        CountDownLatch proceed = new CountDownLatch(1);
        var pool = Executors.newVirtualThreadPerTaskExecutor();
        Future<?> holding = backupHeldAtItsCommit(id, proceed, pool);
        DirectoryCheckpointStore backups = new DirectoryCheckpointStore(tmp.resolve("second"));

        assertThat(manager.backup(id, backups, Duration.ZERO)).as("no wait: the instance is taken").isEmpty();
        Future<Optional<CheckpointStore.Image>> waiting = pool.submit(() -> manager.backup(id, backups, Duration.ofSeconds(10)));
        Thread.sleep(100);
        proceed.countDown();

        assertThat(waiting.get()).as("taken once the first let go").isPresent();
        holding.get();
        assertThat(runtime.verbs(id)).containsExactly("start", "checkpoint", "checkpoint");
        assertThat(invoke(fn, "b")).isEqualTo("b#2");
    }

    /** A backup of the instance whose commit holds until {@code proceed}; returns once it holds the instance. */
    private Future<?> backupHeldAtItsCommit(String id, CountDownLatch proceed, ExecutorService pool) throws InterruptedException {
        CountDownLatch committing = new CountDownLatch(1);
        Future<?> backup = pool.submit(() -> manager.backup(id, gated(committing, proceed), Duration.ZERO));
        committing.await();
        return backup;
    }

    /** A checkpoint store on disk whose commits hold until {@code proceed}, saying when one began. */
    private CheckpointStore gated(CountDownLatch committing, CountDownLatch proceed) {
        DirectoryCheckpointStore disk = new DirectoryCheckpointStore(tmp.resolve("backups"));
        return new CheckpointStore() {
            public Path begin(String i) { return disk.begin(i); }
            public Path nextDir(String i) { return disk.nextDir(i); }
            public Manifest commit(Path dir, Manifest m) {
                committing.countDown();
                try {
                    proceed.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return disk.commit(dir, m);
            }
            public void discard(Path dir) { disk.discard(dir); }
            public Optional<Image> latest(String i) { return disk.latest(i); }
            public void delete(String i) { disk.delete(i); }
            public void sweepIncomplete() { disk.sweepIncomplete(); }
        };
    }

    /** A gate that lets the first question through and refuses every later one: a lease lapsing just after admission. */
    private static ServingGate openOnce() {
        AtomicInteger asked = new AtomicInteger();
        return f -> {
            if (asked.getAndIncrement() > 0) throw TorporException.conflict("the lease of " + f + " lapsed");
        };
    }

    @Test
    void anInvocationWhoseGateClosesAfterAdmissionDoesNotWakeTheInstance() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, IDLE_MS);
        checkpointedAfterOneInvocation(fn);

        assertThatThrownBy(() -> invokeRaw(fn, "b", Duration.ofSeconds(10), openOnce()))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));

        assertThat(instanceOf(fn).state()).isEqualTo(InstanceState.CHECKPOINTED);
        assertThat(runtime.count(RESTORE)).isZero();
    }

    @Test
    void anAnswerThatComesAfterTheGateClosedIsWithheld() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        startManager(16 * MEMORY, Duration.ofSeconds(5), new LifecycleObserver() {
            @Override
            public void invoked(String function, boolean functionError, Duration took) {
                ran.set(true);
            }
        });
        FunctionDefinition fn = deploy("echo", Mode.NONE, NEVER_MS);
        ServingGate lapsesWhileItRuns = f -> {
            if (ran.get()) throw TorporException.conflict("the lease of " + f + " lapsed");
        };

        assertThatThrownBy(() -> invokeRaw(fn, "a", Duration.ofSeconds(10), lapsesWhileItRuns))
                .isInstanceOfSatisfying(TorporException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
                    assertThat(e.getMessage()).contains("answer is withheld", "lapsed");
                });
        assertThat(invoke(fn, "b")).as("the withheld invocation did run").isEqualTo("b#2");
    }

    @Test
    void aTimedOutInvocationStopsItsInstance() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, NEVER_MS);

        InvocationResult r = invokeRaw(fn, FakeFunction.HANG, Duration.ofMillis(300));

        assertThat(r.functionError()).isEqualTo("Unhandled");
        assertThat(new ObjectMapper().readTree(r.payload()).path("errorType").asText()).isEqualTo("Sandbox.Timedout");
        Instance.Snapshot s = instanceOf(fn);
        assertThat(s.state()).isEqualTo(InstanceState.FAILED);
        assertThat(s.lastError()).contains("timed out");
        assertThat(runtime.verbs(s.id())).containsExactly("start", "remove");
        assertThat(runtime.containerCount()).isZero();
        assertThat(budget.usedBytes()).isZero();

        assertThat(invoke(fn, "again")).as("a fresh instance").isEqualTo("again#1");
        assertThat(runtime.count(START)).isEqualTo(2);
    }

    @Test
    void aFunctionThatExitsMidInvocationFailsItAndTheNextStartsAfresh() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, NEVER_MS);
        invoke(fn, "a");

        InvocationResult r = invokeRaw(fn, FakeFunction.EXIT, Duration.ofSeconds(10));

        assertThat(r.functionError()).isEqualTo("Unhandled");
        assertThat(new ObjectMapper().readTree(r.payload()).path("errorType").asText()).isEqualTo("Runtime.ExitError");
        Instance.Snapshot s = awaitState(fn, InstanceState.FAILED);
        assertThat(s.lastError()).contains("exited with status " + FakeFunction.EXIT_STATUS);
        Await.until("the container is removed", () -> runtime.containerCount() == 0);
        assertThat(budget.usedBytes()).isZero();
        assertThat(invoke(fn, "b")).isEqualTo("b#1");
    }

    @Test
    void aRestartedAgentTakesRunningInstancesBackThroughACheckpoint() throws Exception {
        FunctionDefinition running = deploy("running", Mode.CHECKPOINT, NEVER_MS);
        FunctionDefinition asleep = deploy("asleep", Mode.CHECKPOINT, IDLE_MS);
        invoke(running, "a");
        invoke(running, "b");
        String runningId = awaitState(running, InstanceState.IDLE).id();
        String asleepId = checkpointedAfterOneInvocation(asleep).id();

        restartManager();

        assertThat(instanceOf(running).state()).isEqualTo(InstanceState.CHECKPOINTED);
        assertThat(instanceOf(asleep).state()).isEqualTo(InstanceState.CHECKPOINTED);
        assertThat(runtime.verbs(runningId)).containsExactly("start", "checkpoint");
        assertThat(runtime.containerCount()).isZero();
        assertThat(budget.usedBytes()).isZero();
        assertThat(invoke(running, "c")).isEqualTo("c#3");
        assertThat(invoke(asleep, "d")).isEqualTo("d#2");
        assertThat(runtime.verbs(asleepId)).startsWith("start", "checkpoint", "restore");
    }

    @Test
    void retiringAFunctionEndsItsInstancesAndImages() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, IDLE_MS);
        String id = checkpointedAfterOneInvocation(fn).id();

        manager.retire(fn.name());

        assertThat(instancesOf(fn)).isEmpty();
        assertThat(images.latest(id)).isEmpty();
        assertThat(runtime.verbs(id)).endsWith("remove");
    }

    @Test
    void aFailedStartAnswersWithAnInitErrorSayingWhy() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, NEVER_MS);
        runtime.failNext(START, "exec: \"/torpor/init\": permission denied");

        InvocationResult r = invokeRaw(fn, "a", Duration.ofSeconds(10));

        assertThat(r.functionError()).isEqualTo("Unhandled");
        assertThat(new ObjectMapper().readTree(r.payload()).path("errorType").asText()).isEqualTo("Runtime.InitError");
        assertThat(new String(r.payload(), UTF_8)).contains("permission denied");
        assertThat(instanceOf(fn).state()).isEqualTo(InstanceState.FAILED);
        assertThat(budget.usedBytes()).isZero();
        assertThat(invoke(fn, "b")).isEqualTo("b#1");
    }
}
