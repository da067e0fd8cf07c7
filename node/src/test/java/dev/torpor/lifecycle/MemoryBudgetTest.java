package dev.torpor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MemoryBudgetTest {
    private static final long MIB = 1024 * 1024;

    private final MemoryBudget budget = new MemoryBudget(512 * MIB);

    @Test
    void refusesWhatDoesNotFitAndKeepsWhatIsReserved() {
        assertThat(budget.tryReserve("a", 300 * MIB)).isTrue();
        assertThat(budget.tryReserve("b", 300 * MIB)).isFalse();
        assertThat(budget.holds("b")).isFalse();
        assertThat(budget.tryReserve("c", 212 * MIB)).isTrue();

        assertThat(budget.usedBytes()).isEqualTo(512 * MIB);
        assertThat(budget.shortfall(1)).isEqualTo(1);
        assertThat(budget.tryReserve("d", 1)).isFalse();
    }

    @Test
    void neverOvercommitsUnderConcurrentReservations() throws Exception {
        int threads = 16;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                String id = "i" + i;
                results.add(pool.submit(() -> {
                    go.await();
                    return budget.tryReserve(id, 100 * MIB);
                }));
            }
            go.countDown();
            long granted = 0;
            for (Future<Boolean> r : results) if (r.get()) granted++;

            assertThat(granted).isEqualTo(5); // 5 × 100 MiB fit in 512 MiB, a sixth would not
            assertThat(budget.usedBytes()).isEqualTo(500 * MIB);
        }
    }

    @Test
    void reservingTwiceCountsOnce() {
        assertThat(budget.tryReserve("a", 400 * MIB)).isTrue();
        assertThat(budget.tryReserve("a", 400 * MIB)).isTrue();

        assertThat(budget.usedBytes()).isEqualTo(400 * MIB);
        budget.release("a");
        assertThat(budget.usedBytes()).isZero();
        assertThat(budget.holds("a")).isFalse();
    }

    @Test
    void releaseWakesAWaiter() throws Exception {
        budget.tryReserve("a", 512 * MIB);
        Duration patience = Duration.ofSeconds(20);
        CompletableFuture<Long> waitedMillis = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().name("budget-waiter").start(() -> {
            long t0 = System.nanoTime();
            try {
                budget.awaitRelease(patience);
                waitedMillis.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            } catch (InterruptedException e) {
                waitedMillis.completeExceptionally(e);
            }
        });
        Await.parked(waiter);

        budget.release("a");

        assertThat(waitedMillis.get(10, TimeUnit.SECONDS)).isLessThan(patience.toMillis() / 2);
        assertThat(budget.tryReserve("b", 512 * MIB)).isTrue();
    }

    @Test
    void adoptCountsAnInstanceEvenBeyondTheLimit() {
        budget.tryReserve("a", 400 * MIB);

        budget.adopt("found-running", 400 * MIB);

        assertThat(budget.usedBytes()).isEqualTo(800 * MIB);
        assertThat(budget.holds("found-running")).isTrue();
        assertThat(budget.shortfall(0)).isEqualTo(288 * MIB);
        assertThat(budget.tryReserve("b", 1)).isFalse();
    }
}
