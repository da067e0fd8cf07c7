package dev.torpor.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.function.FunctionDefinition;
import dev.torpor.lifecycle.FakeContainerRuntime;
import dev.torpor.lifecycle.InstanceState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * edge-a counts three events and is backed up to edge-b, then dies; edge-b takes the function over. A takeover that
 * fails after the epoch went up keeps the backup and is finished later, and the count goes on from the backup.
 */
@Timeout(60)
class TakeoversTest {
    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock();
    private final FunctionDefinition fn = FakeNode.function("counter", "edge-b");
    private FakeNode b;
    private String id;
    private BackupRecord backup;
    private Takeovers takeovers;

    @BeforeEach
    void backedUpThenOwnerGone() throws Exception {
        b = new FakeNode(tmp.resolve("b"), "edge-b");
        b.deploy(fn);
        try (FakeNode a = new FakeNode(tmp.resolve("a"), "edge-a")) {
            a.deploy(fn);
            for (int i = 0; i < 3; i++) a.invoke(fn, "x");
            id = a.instanceOf(fn);
            backup = a.backUpTo(b, fn, id);
        }
        b.db.leases().put(new Lease("counter", "edge-a", 1, FakeNode.TTL, "edge-b", Lease.Phase.WATCHED)); // edge-a's last renewal
        takeovers = takeovers(b);
        clock.advance(FakeNode.TTL.plusMillis(1));
    }

    @AfterEach
    void close() {
        b.close();
    }

    /** edge-b's takeovers, as its lease checks run them (a restarted node builds them anew over the same store). */
    private Takeovers takeovers(FakeNode node) {
        return new Takeovers("edge-b", new LeaseBook("edge-b", clock, node.db.leases()), node.db.leases(), node.db.locations(),
                node.backups, node.instances, node.images, node.db.functions(), clock);
    }

    /** The disk refuses the image directory of the instance: a regular file stands where it goes. */
    private Path diskFault(FakeNode node) throws Exception {
        Files.createDirectories(node.root.resolve("images"));
        return Files.writeString(node.root.resolve("images").resolve(id), "in the way");
    }

    private Lease lease(FakeNode node) {
        return node.db.leases().get("counter").orElseThrow();
    }

    /** The epoch is up, nothing runs here, invocations still go to edge-a, and the backup is whole. */
    private void assertBegunButNotServed(FakeNode node) {
        assertThat(lease(node)).isEqualTo(new Lease("counter", "edge-b", 2, FakeNode.TTL, "edge-a", Lease.Phase.TAKING_OVER));
        assertThat(node.instances.list()).isEmpty();
        assertThat(node.db.locations().nodeOf("counter")).contains("edge-a");
        assertThat(node.backups.latestOf("counter")).contains(backup);
        assertThat(node.chunks.history(id)).containsExactly(backup.seq());
        assertThat(node.chunks.missing(node.chunks.latest(id).orElseThrow().recipe().chunkIds())).isEmpty();
    }

    @Test
    void aTakeoverThatFailsAfterTheEpochWentUpKeepsTheBackupAndIsFinishedOnALaterCheck() throws Exception {
        Path fault = diskFault(b);

        takeovers.check();

        assertBegunButNotServed(b);
        Files.delete(fault);
        takeovers.check();
        assertThat(b.instances.list()).as("not again before the retry delay").isEmpty();
        clock.advance(Takeovers.RETRY);
        takeovers.check();

        assertThat(lease(b).phase()).isEqualTo(Lease.Phase.UNWATCHED);
        assertThat(b.db.locations().nodeOf("counter")).as("served here").isEmpty();
        assertThat(b.instances.get(id).state()).isEqualTo(InstanceState.IDLE);
        assertThat(b.invoke(fn, "x")).as("the count goes on from the backup").isEqualTo("x#4");
    }

    @Test
    void aTakeoverCutShortByARestartIsFinishedByTheRestartedNode() throws Exception {
        Path fault = diskFault(b);
        takeovers.check();
        b.close();
        Files.delete(fault);

        b = new FakeNode(tmp.resolve("b"), "edge-b");
        assertBegunButNotServed(b);
        takeovers(b).check();

        assertThat(lease(b).phase()).isEqualTo(Lease.Phase.UNWATCHED);
        assertThat(b.invoke(fn, "x")).isEqualTo("x#4");
    }

    @Test
    void aFailedRestoreKeepsTheImageAndTheNextInvocationRestoresIt() throws Exception {
        b.runtime.failNext(FakeContainerRuntime.Verb.RESTORE, "criu: restore failed");

        takeovers.check();

        assertThat(lease(b).phase()).isEqualTo(Lease.Phase.UNWATCHED);
        assertThat(b.instances.get(id).state()).isEqualTo(InstanceState.CHECKPOINTED);
        assertThat(b.images.latest(id)).as("the rebuilt image").isPresent();
        assertThat(b.backups.latestOf("counter")).contains(backup);
        assertThat(b.invoke(fn, "x")).isEqualTo("x#4");
    }
}
