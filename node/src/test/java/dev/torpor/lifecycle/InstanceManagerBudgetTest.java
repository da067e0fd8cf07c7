package dev.torpor.lifecycle;

import static dev.torpor.lifecycle.FakeContainerRuntime.Verb.CHECKPOINT;
import static dev.torpor.lifecycle.FakeContainerRuntime.Verb.RESTORE;
import static dev.torpor.lifecycle.FakeContainerRuntime.Verb.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.InvocationResult;
import dev.torpor.testing.Await;
import dev.torpor.function.SuspendPolicy.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The memory budget: never overcommitted, made room for by checkpointing the least recently used. */
class InstanceManagerBudgetTest extends InstanceManagerFixture {
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

    /**
     * An invocation that claims the victim while it is being evicted keeps its claim when the eviction lets go: the
     * eviction may only release what it holds itself.
     */
    @Test
    void anInvocationThatClaimsAnEvictedInstanceKeepsItsClaimWhenTheEvictionEnds() throws Exception {
        FunctionDefinition victim = onlySlotTakenBy("victim", Mode.CHECKPOINT, NEVER_MS, Duration.ofSeconds(10));
        FunctionDefinition other = deploy("other", Mode.CHECKPOINT, NEVER_MS);
        String id = instanceOf(victim).id();
        FakeContainerRuntime.Hold dumping = runtime.holdNext(CHECKPOINT);

        CompletableFuture<String> evicting = CompletableFuture.supplyAsync(() -> invokeQuietly(other, "x"));
        dumping.awaitReached();
        CompletableFuture<InvocationResult> hanging = new CompletableFuture<>();
        Thread waker = Thread.ofPlatform().name("waker").start(() -> {
            try {
                hanging.complete(invokeRaw(victim, FakeFunction.HANG, Duration.ofSeconds(5)));
            } catch (Throwable e) {
                hanging.completeExceptionally(e);
            }
        });
        Await.parked(waker); // waiting for the victim, claimed by the eviction or (as it was) by itself
        dumping.let();

        assertThat(evicting.get()).isEqualTo("x#1");
        Await.until("the victim serves the waker", () -> manager.get(id).state() == InstanceState.BUSY);
        assertThat(manager.get(id).claimed()).as("the waker's claim, while it is served").isTrue();
        assertThatThrownBy(() -> manager.checkpoint(id)).isInstanceOfSatisfying(TorporException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
        assertThat(hanging.get().functionError()).as("timed out").isEqualTo(InvocationResult.UNHANDLED);
    }

    private String invokeQuietly(FunctionDefinition fn, String payload) {
        try {
            return invoke(fn, payload);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
