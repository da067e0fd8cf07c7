package dev.torpor.lifecycle;

import static dev.torpor.lifecycle.InstanceState.*;
import static dev.torpor.lifecycle.LifecycleEvent.CHECKPOINT;
import static dev.torpor.lifecycle.LifecycleEvent.DISPATCH;
import static dev.torpor.lifecycle.LifecycleEvent.PAUSE;
import static dev.torpor.lifecycle.LifecycleEvent.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.testing.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class InstanceTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Instance instanceIn(InstanceState state) {
        return new Instance("fn-1", "fn", 1, 128L << 20, state, T0);
    }

    @Test
    void applyMovesAndCounts() {
        Instance i = instanceIn(IDLE);

        assertThat(i.apply(DISPATCH, T0.plusSeconds(5))).isEqualTo(BUSY);

        Instance.Snapshot s = i.snapshot();
        assertThat(s.state()).isEqualTo(BUSY);
        assertThat(s.since()).isEqualTo(T0.plusSeconds(5));
        assertThat(s.lastUsed()).isEqualTo(T0.plusSeconds(5));
        assertThat(s.transitions()).isEqualTo(1);
        assertThat(s.invocations()).isEqualTo(1);
        assertThat(s.history()).containsExactly(IDLE, BUSY);
    }

    @Test
    void applyRefusesWithConflictAndChangesNothing() {
        Instance i = instanceIn(BUSY);
        Instance.Snapshot before = i.snapshot();

        assertThatThrownBy(() -> i.apply(CHECKPOINT, T0.plusSeconds(1)))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT))
                .hasMessageContaining("BUSY").hasMessageContaining("CHECKPOINT");

        assertThat(i.snapshot()).isEqualTo(before);
    }

    @Test
    void historyKeepsOnlyTheLast32States() {
        Instance i = instanceIn(IDLE);
        for (int n = 0; n < 50; n++) {
            i.apply(DISPATCH, T0);
            i.apply(READY, T0);
        }
        i.apply(DISPATCH, T0);

        Instance.Snapshot s = i.snapshot();
        assertThat(s.transitions()).isEqualTo(101);
        assertThat(s.history()).hasSize(32).endsWith(IDLE, BUSY);
    }

    @Test
    void oneHolderAtATimeAndAStaleClaimCannotEndTheNextOnesClaim() {
        Instance i = instanceIn(IDLE);
        Claim first = i.tryClaim().orElseThrow();
        assertThat(i.tryClaim()).as("second claim").isEmpty();
        assertThat(i.snapshot().claimed()).isTrue();

        first.close();
        Claim second = i.tryClaim().orElseThrow();
        first.close(); // released twice, as eviction once did

        assertThat(i.snapshot().claimed()).as("the second holder's claim").isTrue();
        assertThat(i.tryClaim()).isEmpty();
        second.close();
        assertThat(i.snapshot().claimed()).isFalse();
    }

    @Test
    void claimIfUntouchedLeavesAClaimedInstanceAlone() {
        Instance i = instanceIn(IDLE);
        long seen = i.snapshot().transitions();
        try (Claim held = i.tryClaim().orElseThrow()) {
            assertThat(i.claimIfUntouched(seen)).isEmpty();
        }
        assertThat(i.claimIfUntouched(seen)).isPresent();
    }

    @Test
    void claimIfUntouchedLeavesAnInstanceThatMovedSinceAlone() {
        Instance i = instanceIn(IDLE);
        long seen = i.snapshot().transitions();
        i.apply(DISPATCH, T0);
        i.apply(READY, T0); // back to IDLE, but it served an event meanwhile

        assertThat(i.claimIfUntouched(seen)).isEmpty();
        i.apply(PAUSE, T0);
        assertThat(i.claimIfUntouched(i.snapshot().transitions())).as("not IDLE").isEmpty();
        assertThat(i.snapshot().claimed()).isFalse();
    }

    @Test
    void claimRefusesFailedAndTerminalInstances() {
        assertThat(instanceIn(FAILED).tryClaim()).isEmpty();
        assertThat(instanceIn(STOPPED).tryClaim()).isEmpty();
        assertThat(instanceIn(CHECKPOINTED).tryClaim()).isPresent();
    }

    @Test
    void claimSettledWaitsForTheHolderAndThenForTheFunctionToAskForItsNextEvent() throws Exception {
        Instance i = instanceIn(IDLE);
        Claim invocation = i.tryClaim().orElseThrow();
        i.apply(DISPATCH, T0);
        CompletableFuture<Claim> next = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().name("claim-waiter").start(() -> {
            try {
                next.complete(i.claimSettled(Duration.ofSeconds(20), Duration.ofSeconds(20)).orElseThrow());
            } catch (Throwable e) {
                next.completeExceptionally(e);
            }
        });
        Await.parked(waiter);

        invocation.close(); // answered, but still BUSY until it asks for its next event
        Await.until("the waiter holds the claim", () -> waiter.getState() == Thread.State.TIMED_WAITING && i.snapshot().claimed());
        assertThat(next).isNotDone();
        i.apply(READY, T0);

        next.get(10, TimeUnit.SECONDS).close();
        assertThat(i.snapshot().state()).isEqualTo(IDLE);
        assertThat(i.snapshot().claimed()).isFalse();
    }

    @Test
    void awaitSettledReturnsWhenAnotherThreadEndsTheOperation() throws Exception {
        Instance i = instanceIn(IDLE);
        i.apply(CHECKPOINT, T0);
        Duration patience = Duration.ofSeconds(20);
        CompletableFuture<InstanceState> settled = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().name("settle-waiter").start(() -> {
            try {
                settled.complete(i.awaitSettled(patience));
            } catch (InterruptedException e) {
                settled.completeExceptionally(e);
            }
        });
        Await.parked(waiter);
        assertThat(settled).isNotDone();

        long t0 = System.nanoTime();
        i.apply(LifecycleEvent.CHECKPOINTED, T0);

        assertThat(settled.get(10, TimeUnit.SECONDS)).isEqualTo(CHECKPOINTED);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(patience.dividedBy(2));
    }

    @Test
    void awaitSettledGivesUpAfterTheTimeout() throws InterruptedException {
        Instance i = instanceIn(STARTING);

        assertThat(i.awaitSettled(Duration.ofMillis(30))).isEqualTo(STARTING);
        assertThat(instanceIn(PAUSED).awaitSettled(Duration.ofDays(1))).isEqualTo(PAUSED);
    }
}
