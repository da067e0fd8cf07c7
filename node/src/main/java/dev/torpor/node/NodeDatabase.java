package dev.torpor.node;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.cluster.Lease;
import dev.torpor.cluster.LeaseStore;
import dev.torpor.cluster.Locations;
import dev.torpor.cluster.MoveJournal;
import dev.torpor.function.FunctionRegistry;
import dev.torpor.lifecycle.Instance;
import dev.torpor.lifecycle.InstanceStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The node's state in one SQLite file: the functions deployed on it and the instances it runs.
 *
 * <p>One connection behind a lock: the node is one process and SQLite has one writer at a time anyway, so a pool
 * would only move the waiting into SQLite's file lock. A {@link ReentrantLock}, not {@code synchronized}, so virtual
 * threads waiting for it do not pin their carrier on Java 21.
 *
 * <p>Durability. In WAL mode a commit has reached the operating system before it returns, whatever
 * {@code synchronous} says, so every committed write survives the process being killed (kill -9, OOM killer).
 * {@code synchronous=NORMAL} skips the fsync at commit, so a power cut or kernel crash can roll back the last
 * transactions (never corrupt the file). Edge devices do lose power, and a deployed function is a promise to the user,
 * so registry writes commit with {@code FULL} (one fsync of the WAL, which also makes every earlier commit durable).
 * Instance rows are saved on the transitions a restart needs (LifecycleEvent.recorded), once per invocation; an
 * fsync each would cap throughput and wear flash. They stay at {@code NORMAL}: after a power cut no container is
 * running anyway and recovery goes by the checkpoint images on disk, so a rolled-back row costs stale counters, or at
 * worst an image left without its row.
 */
public final class NodeDatabase implements AutoCloseable {

    private static final int BUSY_TIMEOUT_MS = 5_000;

    private final Connection db;
    private final ReentrantLock lock = new ReentrantLock();
    private final Statement pragmas;
    private final PreparedStatement insertFunction;
    private final PreparedStatement updateFunction;
    private final PreparedStatement selectFunction;
    private final PreparedStatement selectFunctions;
    private final PreparedStatement deleteFunction;
    /** Not final: renewed after a failed write (see {@link #renewed}). */
    private PreparedStatement upsertInstance;
    private final PreparedStatement selectInstances;
    private PreparedStatement deleteInstance;
    private final PreparedStatement selectLocation;
    private final PreparedStatement upsertLocation;
    private final PreparedStatement deleteLocation;
    private final FunctionRegistry functions = new Functions();
    private final InstanceStore instances = new Instances();
    private final Locations locations = new FunctionLocations();
    private final PreparedStatement selectLease;
    private final PreparedStatement selectLeases;
    private final PreparedStatement upsertLease;
    private final LeaseStore leases = new Leases();
    private final PreparedStatement insertMove;
    private final PreparedStatement deleteMove;
    private final PreparedStatement selectMoves;
    private final MoveJournal moves = new Moves();

    private NodeDatabase(Connection db) throws SQLException {
        this.db = db;
        pragmas = db.createStatement();
        insertFunction = db.prepareStatement(NodeRows.INSERT_FUNCTION);
        updateFunction = db.prepareStatement(NodeRows.UPDATE_FUNCTION);
        selectFunction = db.prepareStatement(NodeRows.SELECT_FUNCTION);
        selectFunctions = db.prepareStatement(NodeRows.SELECT_FUNCTIONS);
        deleteFunction = db.prepareStatement(NodeRows.DELETE_FUNCTION);
        upsertInstance = db.prepareStatement(NodeRows.UPSERT_INSTANCE);
        selectInstances = db.prepareStatement(NodeRows.SELECT_INSTANCES);
        deleteInstance = db.prepareStatement(NodeRows.DELETE_INSTANCE);
        selectLocation = db.prepareStatement("SELECT node_id FROM locations WHERE function = ?");
        upsertLocation = db.prepareStatement(
                "INSERT INTO locations (function, node_id, since) VALUES (?, ?, ?) ON CONFLICT(function) DO UPDATE SET node_id = excluded.node_id, since = excluded.since");
        deleteLocation = db.prepareStatement("DELETE FROM locations WHERE function = ?");
        selectLease = db.prepareStatement("SELECT function, owner, epoch, ttl_ms, peer, phase FROM leases WHERE function = ?");
        selectLeases = db.prepareStatement("SELECT function, owner, epoch, ttl_ms, peer, phase FROM leases ORDER BY function");
        upsertLease = db.prepareStatement("INSERT INTO leases (function, owner, epoch, ttl_ms, since, peer, phase) VALUES (?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT(function) DO UPDATE SET owner = excluded.owner, epoch = excluded.epoch, ttl_ms = excluded.ttl_ms, "
                + "since = excluded.since, peer = excluded.peer, phase = excluded.phase");
        insertMove = db.prepareStatement("INSERT OR REPLACE INTO moves (instance_id, function, peer, side, since) VALUES (?, ?, ?, ?, ?)");
        deleteMove = db.prepareStatement("DELETE FROM moves WHERE instance_id = ?");
        selectMoves = db.prepareStatement("SELECT instance_id, function, peer, side FROM moves ORDER BY since");
    }

    /** Opens (or creates) the database file and brings its schema up to date. */
    public static NodeDatabase open(Path file) {
        return open(file, NodeSchema.MIGRATIONS);
    }

    /** With other migrations: how tests play a later version of the node against an older file. */
    static NodeDatabase open(Path file, List<String> migrations) {
        return connect(file, migrations, NodeDatabase::new);
    }

    @FunctionalInterface
    interface Opened<T> {
        T use(Connection c) throws SQLException;
    }

    /** Opens (or creates) a SQLite file of the node, brings its schema up to date and hands it over; closed if that fails. */
    static <T> T connect(Path file, List<String> migrations, Opened<T> then) {
        Path path = file.toAbsolutePath();
        try {
            Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot create the directory of the database " + path, e);
        }
        return call("open " + path, () -> {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + path);
            try {
                configure(c);
                NodeSchema.migrate(c, migrations);
                return then.use(c);
            } catch (SQLException | RuntimeException e) {
                try {
                    c.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
        });
    }

    private static void configure(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            // journal_mode answers with the mode it got; the durability reasoning above holds only for WAL.
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
                String mode = rs.next() ? rs.getString(1) : "none";
                if (!"wal".equalsIgnoreCase(mode)) throw new SQLException("journal mode is " + mode + ", not WAL");
            }
            st.execute("PRAGMA synchronous = NORMAL");
            st.execute("PRAGMA foreign_keys = ON"); // off by default in SQLite; for the keys later versions add
            // Only this node writes; the wait is for someone reading the file with the sqlite3 shell.
            st.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
        }
    }

    /** A pragma's current value, for tests to see how the connection is set up. */
    String pragma(String name) {
        return locked("read PRAGMA " + name, () -> {
            try (ResultSet rs = pragmas.executeQuery("PRAGMA " + name)) {
                return rs.next() ? rs.getString(1) : null;
            }
        });
    }

    /** The deployed functions. */
    public FunctionRegistry functions() {
        return functions;
    }

    /** The instances' snapshots. */
    public InstanceStore instances() {
        return instances;
    }

    // Two views rather than one class implementing both interfaces: FunctionRegistry.delete(String) and
    // InstanceStore.delete(String) have one signature but different meanings (NOT_FOUND vs. forget quietly).

    private final class Functions implements FunctionRegistry {
        @Override
        public FunctionDefinition create(FunctionDefinition fn) {
            return durably("create function " + fn.name(), () -> {
                NodeRows.bindFunction(insertFunction, fn);
                if (insertFunction.executeUpdate() == 0) {
                    throw new TorporException(ErrorKind.ALREADY_EXISTS, "Function already exist: " + fn.name());
                }
                return fn;
            });
        }

        @Override
        public Optional<FunctionDefinition> get(String name) {
            return locked("read function " + name, () -> {
                selectFunction.setString(1, name);
                try (ResultSet rs = selectFunction.executeQuery()) {
                    return rs.next() ? Optional.of(NodeRows.readFunction(rs)) : Optional.empty();
                }
            });
        }

        @Override
        public List<FunctionDefinition> list() {
            return locked("list functions", () -> readAll(selectFunctions, NodeRows::readFunction));
        }

        @Override
        public FunctionDefinition update(FunctionDefinition fn) {
            return durably("update function " + fn.name(), () -> {
                NodeRows.bindFunction(updateFunction, fn);
                if (updateFunction.executeUpdate() == 0) throw notFound(fn.name());
                return fn;
            });
        }

        @Override
        public void delete(String name) {
            durably("delete function " + name, () -> {
                deleteFunction.setString(1, name);
                if (deleteFunction.executeUpdate() == 0) throw notFound(name);
                return null;
            });
        }

        private static TorporException notFound(String name) {
            return TorporException.notFound("Function not found: " + name);
        }
    }

    private final class Instances implements InstanceStore {
        /** Called once per invocation and on a few other transitions: one prepared upsert, no fsync (see the class comment). */
        @Override
        public void save(Instance.Snapshot instance) {
            locked("save instance " + instance.id(), () -> {
                try {
                    NodeRows.bindInstance(upsertInstance, instance);
                    return upsertInstance.executeUpdate();
                } catch (SQLException e) {
                    upsertInstance = renewed(upsertInstance, NodeRows.UPSERT_INSTANCE);
                    throw e;
                }
            });
        }

        /** Forgetting an instance that is not stored is no error: recovery deletes whatever it finds stale. */
        @Override
        public void delete(String id) {
            locked("delete instance " + id, () -> {
                try {
                    deleteInstance.setString(1, id);
                    return deleteInstance.executeUpdate();
                } catch (SQLException e) {
                    deleteInstance = renewed(deleteInstance, NodeRows.DELETE_INSTANCE);
                    throw e;
                }
            });
        }

        @Override
        public List<Instance.Snapshot> loadAll() {
            return locked("load instances", () -> readAll(selectInstances, NodeRows::readInstance));
        }
    }

    public Locations locations() {
        return locations;
    }

    /** Where migrated functions went; written durably, since a lost row would let a function answer twice. */
    private final class FunctionLocations implements Locations {
        @Override
        public java.util.Optional<String> nodeOf(String function) {
            return locked("read the location of " + function, () -> {
                selectLocation.setString(1, function);
                try (ResultSet rs = selectLocation.executeQuery()) {
                    return rs.next() ? java.util.Optional.of(rs.getString(1)) : java.util.Optional.<String>empty();
                }
            });
        }

        @Override
        public void set(String function, String nodeId) {
            durably("record that " + function + " lives on " + nodeId, () -> {
                upsertLocation.setString(1, function);
                upsertLocation.setString(2, nodeId);
                upsertLocation.setString(3, java.time.Instant.now().toString());
                return upsertLocation.executeUpdate();
            });
        }

        @Override
        public void clear(String function) {
            durably("forget the location of " + function, () -> {
                deleteLocation.setString(1, function);
                return deleteLocation.executeUpdate();
            });
        }
    }

    public LeaseStore leases() {
        return leases;
    }

    /** Every renewal is a write: only the epoch must survive a crash, but the owner and ttl are small beside it. */
    private final class Leases implements LeaseStore {
        @Override
        public java.util.Optional<Lease> get(String function) {
            return locked("read the lease of " + function, () -> {
                selectLease.setString(1, function);
                return readAll(selectLease, Leases::lease).stream().findFirst();
            });
        }

        @Override
        public void put(Lease lease) {
            durably("record the lease of " + lease.function(), () -> {
                upsertLease.setString(1, lease.function());
                upsertLease.setString(2, lease.owner());
                upsertLease.setLong(3, lease.epoch());
                upsertLease.setLong(4, lease.ttl().toMillis());
                upsertLease.setString(5, java.time.Instant.now().toString());
                upsertLease.setString(6, lease.peer());
                upsertLease.setString(7, lease.phase().name());
                return upsertLease.executeUpdate();
            });
        }

        @Override
        public List<Lease> list() {
            return locked("list the leases", () -> readAll(selectLeases, Leases::lease));
        }

        private static Lease lease(ResultSet rs) throws SQLException {
            return new Lease(rs.getString(1), rs.getString(2), rs.getLong(3), java.time.Duration.ofMillis(rs.getLong(4)),
                    rs.getString(5), Lease.Phase.valueOf(rs.getString(6)));
        }
    }

    public MoveJournal moves() {
        return moves;
    }

    /** Written durably both ways: a row lost to a power cut could let two copies of a function serve. */
    private final class Moves implements MoveJournal {
        @Override
        public void begin(Move move) {
            durably("record the move of " + move.instanceId(), () -> {
                insertMove.setString(1, move.instanceId());
                insertMove.setString(2, move.function());
                insertMove.setString(3, move.peer());
                insertMove.setString(4, move.side().name());
                insertMove.setString(5, java.time.Instant.now().toString());
                return insertMove.executeUpdate();
            });
        }

        @Override
        public void end(String instanceId) {
            durably("end the move of " + instanceId, () -> {
                deleteMove.setString(1, instanceId);
                return deleteMove.executeUpdate();
            });
        }

        @Override
        public List<Move> all() {
            return locked("list the moves under way", () -> readAll(selectMoves,
                    rs -> new Move(rs.getString(1), rs.getString(2), rs.getString(3), Side.valueOf(rs.getString(4)))));
        }
    }

    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static <T> List<T> readAll(PreparedStatement query, Row<T> row) throws SQLException {
        List<T> all = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) all.add(row.read(rs));
        }
        return all;
    }

    @Override
    public void close() {
        locked("close", () -> {
            db.close(); // closes the prepared statements too; SQLite checkpoints the WAL into the file
            return null;
        });
    }

    // ---- locking and errors ------------------------------------------------------------------------------------

    @FunctionalInterface
    interface Sql<T> {
        T run() throws SQLException;
    }

    /** The one place where SQLite's failures become the node's: FAILED, with what was being done and SQLite's words. */
    static <T> T call(String what, Sql<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new TorporException(ErrorKind.FAILED, "database: cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * A fresh copy of a statement whose write failed: sqlite-jdbc leaves one that hit SQLITE_FULL unusable ("statement
     * is not executing" on every later call), so instance records kept failing after the disk had room again.
     */
    private PreparedStatement renewed(PreparedStatement failed, String sql) throws SQLException {
        try {
            failed.close();
        } catch (SQLException e) {
            // broken already: the fresh one replaces it either way
        }
        return db.prepareStatement(sql);
    }

    private <T> T locked(String what, Sql<T> work) {
        lock.lock();
        try {
            return call(what, work);
        } finally {
            lock.unlock();
        }
    }

    /** A registry write, fsynced at commit (see the class comment); synchronous can only change between transactions. */
    private <T> T durably(String what, Sql<T> work) {
        return locked(what, () -> {
            pragmas.execute("PRAGMA synchronous = FULL");
            try {
                return work.run();
            } finally {
                pragmas.execute("PRAGMA synchronous = NORMAL");
            }
        });
    }
}
