package dev.torpor.node;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The tables of the node's database and how an older file is brought up to date, versioned by {@code PRAGMA user_version}. */
final class NodeSchema {
    /** Schema versions, oldest first: script i takes {@code user_version} from i to i + 1. Append; never edit one that shipped. */
    static final List<String> MIGRATIONS = List.of("""
            CREATE TABLE functions (
                name                 TEXT PRIMARY KEY,
                runtime              TEXT,
                handler              TEXT,
                description          TEXT,
                memory_mib           INTEGER NOT NULL,
                timeout_s            INTEGER NOT NULL,
                environment          TEXT NOT NULL,   -- JSON object
                tags                 TEXT NOT NULL,   -- JSON object
                reserved_concurrency INTEGER NOT NULL,
                code_sha256          TEXT,
                code_size            INTEGER NOT NULL,
                revision             INTEGER NOT NULL,
                revision_id          TEXT,
                last_modified        TEXT NOT NULL    -- ISO-8601 instant
            );
            -- No foreign key to functions: an instance row outlives its function while the instance is retired,
            -- and recovery drops the rows of functions that are gone.
            CREATE TABLE instances (
                id           TEXT PRIMARY KEY,
                function     TEXT NOT NULL,
                revision     INTEGER NOT NULL,
                memory_bytes INTEGER NOT NULL,
                state        TEXT NOT NULL,           -- InstanceState name
                since        TEXT NOT NULL,
                last_used    TEXT NOT NULL,
                transitions  INTEGER NOT NULL,
                checkpoints  INTEGER NOT NULL,
                restores     INTEGER NOT NULL,
                invocations  INTEGER NOT NULL,
                image_bytes  INTEGER NOT NULL,
                last_error   TEXT,
                history      TEXT NOT NULL            -- JSON array of InstanceState names, oldest first
            );
            """, """
            -- Functions whose instance was migrated away: invocations here are forwarded to node_id.
            CREATE TABLE locations (
                function TEXT PRIMARY KEY,
                node_id  TEXT NOT NULL,
                since    TEXT NOT NULL
            );
            """, """
            -- Leases of backed-up functions, as owner (this node) or as backup peer (another node owns it, or this
            -- node took it over). The epoch only grows; an owner seeing a higher one stops serving the function.
            CREATE TABLE leases (
                function TEXT PRIMARY KEY,
                owner    TEXT NOT NULL,
                epoch    INTEGER NOT NULL,
                ttl_ms   INTEGER NOT NULL,
                since    TEXT NOT NULL
            );
            """, """
            -- The node the owner renews with and backs up to, which takes over when the renewals stop (the tagged
            -- backup node; after a takeover, the old owner), and how far a takeover got (Lease.Phase).
            ALTER TABLE leases ADD COLUMN peer TEXT;
            ALTER TABLE leases ADD COLUMN phase TEXT NOT NULL DEFAULT 'WATCHED';
            UPDATE leases SET peer = (SELECT json_extract(f.tags, '$."torpor:backup"') FROM functions f WHERE f.name = leases.function);
            """, """
            -- The last loss of an instance's state (StateLoss): its reason, what was lost, when. NULL when none.
            ALTER TABLE instances ADD COLUMN lost_reason TEXT;
            ALTER TABLE instances ADD COLUMN lost_detail TEXT;
            ALTER TABLE instances ADD COLUMN lost_at TEXT;
            """, """
            -- Moves under way (cluster.MoveJournal): a node restarted mid-move settles each with its peer.
            CREATE TABLE moves (
                instance_id TEXT PRIMARY KEY,
                function    TEXT NOT NULL,
                peer        TEXT NOT NULL,
                side        TEXT NOT NULL,            -- SOURCE or TARGET
                since       TEXT NOT NULL
            );
            """);

    private NodeSchema() {}

    /** Runs the scripts the file has not seen yet, each in its own transaction with the version it reaches. */
    static void migrate(Connection c, List<String> migrations) throws SQLException {
        int version = version(c);
        if (version > migrations.size()) {
            throw new SQLException("schema version " + version + " is newer than this node knows ("
                    + migrations.size() + "): was the file written by a newer node?");
        }
        for (int v = version; v < migrations.size(); v++) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.executeUpdate(migrations.get(v)); // runs every statement of the script
                st.executeUpdate("PRAGMA user_version = " + (v + 1));
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw new SQLException("migration to schema version " + (v + 1) + " failed: " + e.getMessage(), e);
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static int version(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
