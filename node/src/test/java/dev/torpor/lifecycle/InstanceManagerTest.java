package dev.torpor.lifecycle;

import static dev.torpor.lifecycle.FakeContainerRuntime.Verb.CHECKPOINT;
import static dev.torpor.lifecycle.FakeContainerRuntime.Verb.RESTORE;
import static dev.torpor.lifecycle.FakeContainerRuntime.Verb.START;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.InvocationResult;
import dev.torpor.function.SuspendPolicy.Mode;
import dev.torpor.testing.Await;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Invocations, suspension and its failures, gates, timeouts and restarts. */
class InstanceManagerTest extends InstanceManagerFixture {
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
    void anInvocationWhoseGateClosesWhileItWaitsForItsInstanceDoesNotWakeIt() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, IDLE_MS);
        FakeContainerRuntime.Hold dumping = runtime.holdNext(CHECKPOINT);
        invoke(fn, "a");
        dumping.awaitReached();
        AtomicBoolean lapsed = new AtomicBoolean();
        ServingGate lease = f -> {
            if (lapsed.get()) throw TorporException.conflict("the lease of " + f + " lapsed");
        };
        CompletableFuture<InvocationResult> waiting = new CompletableFuture<>();
        Thread invocation = Thread.ofPlatform().name("invocation").start(() -> {
            try {
                waiting.complete(invokeRaw(fn, "b", Duration.ofSeconds(10), lease));
            } catch (Throwable e) {
                waiting.completeExceptionally(e);
            }
        });
        Await.parked(invocation); // for the idle policy's checkpoint to let go of the instance
        lapsed.set(true);
        dumping.let();

        assertThat(catchThrowable(waiting::join)).cause().isInstanceOfSatisfying(TorporException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
        assertThat(instanceOf(fn).state()).isEqualTo(InstanceState.CHECKPOINTED);
        assertThat(runtime.count(RESTORE)).isZero();
    }

    @Test
    void anAnswerThatComesAfterTheGateClosedIsWithheld() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        startManager(16 * MEMORY, Duration.ofSeconds(5), new LifecycleObserver() {
            @Override
            public void transitioned(Instance.Snapshot instance, LifecycleEvent event) {
                if (event == LifecycleEvent.DISPATCH) ran.set(true);
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
        assertThat(new ObjectMapper().readTree(r.payload()).properties()).as("Lambda's body: the message alone")
                .singleElement().satisfies(e -> assertThat(e.getKey()).isEqualTo("errorMessage"));
        assertThat(new ObjectMapper().readTree(r.payload()).path("errorMessage").asText())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\S+ Task timed out after "
                        + fn.timeoutSeconds() + "\\.00 seconds");
        Instance.Snapshot s = instanceOf(fn);
        assertThat(s.state()).isEqualTo(InstanceState.FAILED);
        assertThat(s.lastError()).contains("timed out");
        assertThat(s.lost().reason()).as("told as a loss of state").isEqualTo(StateLoss.Reason.TIMEOUT);
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
        assertThat(s.lost().reason()).as("told as a loss of state").isEqualTo(StateLoss.Reason.CRASH);
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

    /** The record is written once per wake: at the invocation's end, with the restore and the invocation counted. */
    @Test
    void aWakeServedByOneInvocationWritesTheRecordOnceAndARestartFindsItsCounts() throws Exception {
        CountDownLatch imageWritten = new CountDownLatch(1);
        startManager(16 * MEMORY, Duration.ofSeconds(5), new LifecycleObserver() {
            @Override
            public void checkpointed(Instance.Snapshot instance, Duration took, long imageBytes) {
                imageWritten.countDown(); // after the write that records the complete image
            }
        });
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, NEVER_MS);
        String id = idleAfterOneInvocation(fn);
        manager.checkpoint(id);
        imageWritten.await();
        int before = store.writes().size();

        assertThat(invoke(fn, "b")).isEqualTo("b#2");

        Await.until("the invocation's end is written", () -> store.writes().size() > before);
        assertThat(store.writes().subList(before, store.writes().size())).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(InstanceState.IDLE);
            assertThat(s.restores()).isEqualTo(1);
            assertThat(s.invocations()).isEqualTo(2);
        });
        restartManager();
        assertThat(manager.get(id).restores()).isEqualTo(1);
        assertThat(manager.get(id).invocations()).isEqualTo(2);
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
