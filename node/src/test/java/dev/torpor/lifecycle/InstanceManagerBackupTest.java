package dev.torpor.lifecycle;

import static dev.torpor.lifecycle.FakeContainerRuntime.Verb.CHECKPOINT;
import static dev.torpor.lifecycle.FakeContainerRuntime.Verb.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.checkpoint.DirectoryCheckpointStore;
import dev.torpor.checkpoint.Manifest;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.SuspendPolicy.Mode;
import dev.torpor.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Backups: leave-running dumps that neither keep an instance from suspending nor race its invocations. */
class InstanceManagerBackupTest extends InstanceManagerFixture {
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
        Thread.sleep(300); // an idle period, not a wait: time enough for the invocation to end, were it not waiting
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
        CompletableFuture<Optional<CheckpointStore.Image>> waiting = new CompletableFuture<>();
        Thread waiter = Thread.ofVirtual().name("second-backup").start(() -> {
            try {
                waiting.complete(manager.backup(id, backups, Duration.ofSeconds(10)));
            } catch (InterruptedException | RuntimeException e) {
                waiting.completeExceptionally(e);
            }
        });
        Await.parked(waiter); // waiting for the first backup to let go
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
            public Path quarantine(String i) { return disk.quarantine(i); }
            public Optional<Path> unfinished(String i) { return disk.unfinished(i); }
            public void sweepIncomplete() { disk.sweepIncomplete(); }
        };
    }

}
