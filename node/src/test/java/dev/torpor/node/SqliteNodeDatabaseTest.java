package dev.torpor.node;

import static dev.torpor.node.NodeDatabaseFixtures.function;
import static dev.torpor.node.NodeDatabaseFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.cluster.Lease;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.lifecycle.Instance;
import dev.torpor.lifecycle.InstanceState;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SqliteNodeDatabaseTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("state/node.db"); // the parent does not exist yet: open makes it
    }

    @Test
    void functionRoundTripKeepsEveryField() {
        FunctionDefinition full = function("hello");
        FunctionDefinition sparse = new FunctionDefinition("sparse", "provided", null, null, 128, 3, Map.of(),
                Map.of(), 0, null, 0, 1, null, Instant.ofEpochSecond(0, 1));
        try (NodeDatabase db = NodeDatabase.open(file())) {
            assertThat(db.functions().create(full)).isEqualTo(full);
            db.functions().create(sparse);

            assertThat(db.functions().get("hello")).contains(full);
            assertThat(db.functions().get("hello").orElseThrow().lastModified().getNano()).isEqualTo(123_456_789);
            assertThat(db.functions().get("sparse")).contains(sparse);
            assertThat(db.functions().get("missing")).isEmpty();
        }
    }

    @Test
    void listIsSortedByName() {
        try (NodeDatabase db = NodeDatabase.open(file())) {
            Stream.of("zeta", "alpha", "Mid", "beta-2", "beta").forEach(n -> db.functions().create(function(n)));
            assertThat(db.functions().list()).extracting(FunctionDefinition::name)
                    .containsExactly("Mid", "alpha", "beta", "beta-2", "zeta");
        }
    }

    @Test
    void duplicateCreateIsRefusedAndTheFirstKept() {
        try (NodeDatabase db = NodeDatabase.open(file())) {
            FunctionDefinition first = function("dup");
            db.functions().create(first);
            FunctionDefinition second = withDescription(first, "second");

            assertFails(() -> db.functions().create(second), ErrorKind.ALREADY_EXISTS, "Function already exist: dup");
            assertThat(db.functions().get("dup")).contains(first);
            assertThat(db.functions().list()).hasSize(1);
        }
    }

    @Test
    void updateReplacesAndDeleteRemovesButUnknownNamesAreNotFound() {
        try (NodeDatabase db = NodeDatabase.open(file())) {
            assertFails(() -> db.functions().update(function("ghost")), ErrorKind.NOT_FOUND, "Function not found: ghost");
            assertFails(() -> db.functions().delete("ghost"), ErrorKind.NOT_FOUND, "Function not found: ghost");
            assertThat(db.functions().list()).isEmpty(); // the failed update did not insert

            db.functions().create(function("real"));
            FunctionDefinition changed = withDescription(function("real"), "changed");
            assertThat(db.functions().update(changed)).isEqualTo(changed);
            assertThat(db.functions().get("real")).contains(changed);

            db.functions().delete("real");
            assertThat(db.functions().get("real")).isEmpty();
            assertFails(() -> db.functions().delete("real"), ErrorKind.NOT_FOUND, "Function not found: real");
        }
    }

    @Test
    void instancesAreUpsertedAndSeenByANewDatabaseOnTheSameFile() {
        try (NodeDatabase db = NodeDatabase.open(file())) {
            db.functions().create(function("kept"));
            db.instances().save(snapshot("a", InstanceState.STARTING, 0, false));
            db.instances().save(snapshot("a", InstanceState.BUSY, 3, true)); // same id: replaces
            db.instances().save(snapshot("b", InstanceState.CHECKPOINTED, 8, false));
            db.instances().save(snapshot("gone", InstanceState.IDLE, 1, false));
            db.instances().delete("gone");
            db.instances().delete("never-saved"); // no error: recovery deletes whatever it finds stale
        }
        try (NodeDatabase db = NodeDatabase.open(file())) {
            // claimed is not persisted: the loaded copy of "a" is unclaimed.
            assertThat(db.instances().loadAll()).containsExactly(
                    snapshot("a", InstanceState.BUSY, 3, false),
                    snapshot("b", InstanceState.CHECKPOINTED, 8, false));
            assertThat(db.functions().list()).containsExactly(function("kept"));
        }
    }

    @Test
    void migrationsRunOnceAndLaterVersionsAddColumns() {
        List<String> v1 = NodeSchema.MIGRATIONS;
        List<String> v2 = append(v1, "ALTER TABLE functions ADD COLUMN architecture TEXT NOT NULL DEFAULT 'arm64'");
        try (NodeDatabase db = NodeDatabase.open(file())) {
            assertThat(db.pragma("user_version")).isEqualTo(Integer.toString(v1.size()));
            db.functions().create(function("old"));
        }
        try (NodeDatabase db = NodeDatabase.open(file())) { // a rerun of v1 would fail: the tables exist
            assertThat(db.pragma("user_version")).isEqualTo(Integer.toString(v1.size()));
        }
        try (NodeDatabase db = NodeDatabase.open(file(), v2)) {
            assertThat(db.pragma("user_version")).isEqualTo(Integer.toString(v2.size()));
            assertThat(db.functions().get("old")).contains(function("old"));
        }
        try (NodeDatabase db = NodeDatabase.open(file(), v2)) { // a rerun of v2 would fail: duplicate column
            assertThat(db.pragma("user_version")).isEqualTo(Integer.toString(v2.size()));
        }
        // An older node refuses a file a newer one has migrated, rather than misreading it.
        assertFails(() -> NodeDatabase.open(file(), v1), ErrorKind.FAILED, "newer than this node knows");
    }

    @Test
    void leasesKeepTheirPeerAndPhase() {
        Lease takingOver = new Lease("counter", "edge-b", 2, Duration.ofMillis(1500), "edge-a", Lease.Phase.TAKING_OVER);
        try (NodeDatabase db = NodeDatabase.open(file())) {
            db.leases().put(new Lease("counter", "edge-a", 1, Duration.ofMillis(1500), "edge-b", Lease.Phase.WATCHED));
            db.leases().put(takingOver);
        }
        try (NodeDatabase db = NodeDatabase.open(file())) {
            assertThat(db.leases().list()).containsExactly(takingOver);
        }
    }

    @Test
    void aLeaseWrittenBeforePeersWereRecordedTakesItsPeerFromTheBackupTag() throws Exception {
        Files.createDirectories(file().getParent());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement st = c.createStatement()) {
            NodeSchema.migrate(c, NodeSchema.MIGRATIONS.subList(0, 3));
            st.executeUpdate("INSERT INTO functions (name, memory_mib, timeout_s, environment, tags, reserved_concurrency, "
                    + "code_size, revision, last_modified) VALUES ('counter', 128, 3, '{}', '{\"torpor:backup\":\"edge-b\"}', "
                    + "-1, 0, 1, '2026-01-01T00:00:00Z')");
            st.executeUpdate("INSERT INTO leases VALUES ('counter', 'edge-a', 4, 6000, '2026-01-01T00:00:00Z')");
        }
        try (NodeDatabase db = NodeDatabase.open(file())) {
            assertThat(db.leases().get("counter"))
                    .contains(new Lease("counter", "edge-a", 4, Duration.ofMillis(6000), "edge-b", Lease.Phase.WATCHED));
        }
    }

    @Test
    void aFailedMigrationRollsBackWhollyAndLeavesTheVersion() {
        int next = NodeSchema.MIGRATIONS.size() + 1;
        List<String> broken = append(NodeSchema.MIGRATIONS, "CREATE TABLE extra (x INTEGER); THIS IS NOT SQL");
        assertFails(() -> NodeDatabase.open(file(), broken), ErrorKind.FAILED, "migration to schema version " + next + " failed");

        List<String> fixed = append(NodeSchema.MIGRATIONS, "CREATE TABLE extra (x INTEGER)");
        try (NodeDatabase db = NodeDatabase.open(file(), fixed)) { // would fail if the half-run script had kept extra
            assertThat(db.pragma("user_version")).isEqualTo(Integer.toString(next));
        }
    }

    @Test
    @Timeout(60)
    void concurrentSavesFromVirtualThreadsAllLand() throws Exception {
        int threads = 16, instancesPerThread = 10, savesPerInstance = 10;
        try (NodeDatabase db = NodeDatabase.open(file())) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        start.await();
                        db.functions().create(function("fn-" + thread));
                        for (int s = 0; s < savesPerInstance; s++) {
                            for (int i = 0; i < instancesPerThread; i++) {
                                db.instances().save(snapshot(thread + "-" + i, InstanceState.IDLE, s, false));
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : done) f.get(); // rethrows any failure of a save
            }
            List<Instance.Snapshot> all = db.instances().loadAll();
            assertThat(all).hasSize(threads * instancesPerThread);
            assertThat(all).allSatisfy(s -> assertThat(s.transitions()).isEqualTo(savesPerInstance - 1));
            assertThat(db.functions().list()).hasSize(threads);
        }
    }

    @Test
    @Timeout(120)
    void everythingCommittedSurvivesTheProcessBeingKilled() throws Exception {
        int n = 50;
        Path stderr = dir.resolve("child.err");
        List<String> command = List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                DatabaseWriterMain.class.getName(), file().toString(), Integer.toString(n));
        Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        try (BufferedReader out = child.inputReader()) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("written")) { /* skip */ }
            assertThat(line).as("child said 'written'; its stderr: %s", Files.readString(stderr)).isEqualTo("written");
            child.destroyForcibly();
            assertThat(child.waitFor()).as("killed by SIGKILL, not exited").isEqualTo(128 + 9);
        } finally {
            child.destroyForcibly();
        }
        // The child never closed the database: what it wrote is still in the WAL, not yet in the main file.
        assertThat(Files.size(Path.of(file() + "-wal"))).isPositive();

        try (NodeDatabase db = NodeDatabase.open(file())) {
            assertThat(db.functions().list()).containsExactlyInAnyOrderElementsOf(
                    IntStream.range(0, n).mapToObj(i -> function("fn-" + i)).toList());
            assertThat(db.instances().loadAll()).containsExactlyInAnyOrderElementsOf(
                    IntStream.range(0, n).mapToObj(i -> snapshot("i-" + i, InstanceState.IDLE, i, false)).toList());
        }
    }

    /** Registry writes switch to FULL for their commit only; instance saves must find NORMAL again (no fsync). */
    @Test
    void connectionIsWalAndBackToNormalSyncAfterEveryRegistryWrite() {
        try (NodeDatabase db = NodeDatabase.open(file())) {
            assertThat(db.pragma("journal_mode")).isEqualTo("wal");
            assertThat(db.pragma("foreign_keys")).isEqualTo("1");
            assertThat(db.pragma("busy_timeout")).isEqualTo("5000");
            String normal = "1";
            assertThat(db.pragma("synchronous")).isEqualTo(normal);

            db.functions().create(function("f"));
            assertThat(db.pragma("synchronous")).isEqualTo(normal);
            assertThatThrownBy(() -> db.functions().create(function("f"))).isInstanceOf(TorporException.class);
            assertThat(db.pragma("synchronous")).isEqualTo(normal);
            db.functions().update(function("f"));
            db.functions().delete("f");
            assertThat(db.pragma("synchronous")).isEqualTo(normal);
        }
    }

    @Test
    void sqliteFailuresBecomeFailedWithTheCause() {
        NodeDatabase db = NodeDatabase.open(file());
        db.close();
        assertThatThrownBy(() -> db.functions().list())
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED))
                .hasMessageStartingWith("database: cannot list functions")
                .hasCauseInstanceOf(SQLException.class);
    }

    private static void assertFails(ThrowingCallable call, ErrorKind kind, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(kind))
                .hasMessageContaining(message);
    }

    private static FunctionDefinition withDescription(FunctionDefinition f, String description) {
        return new FunctionDefinition(f.name(), f.runtime(), f.handler(), description, f.memoryMiB(),
                f.timeoutSeconds(), f.environment(), f.tags(), f.reservedConcurrency(), f.codeSha256(), f.codeSize(),
                f.revision(), f.revisionId(), f.lastModified());
    }

    private static List<String> append(List<String> migrations, String next) {
        List<String> all = new ArrayList<>(migrations);
        all.add(next);
        return List.copyOf(all);
    }
}
