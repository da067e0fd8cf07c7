package dev.torpor.node;

import dev.torpor.events.DroppedEvent;
import dev.torpor.events.EventInvokeConfig;
import dev.torpor.events.EventStore;
import dev.torpor.events.QueueStats;
import dev.torpor.events.QueuedEvent;
import dev.torpor.events.Trigger;
import dev.torpor.events.TriggerStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The event queues and triggers in a SQLite file of their own ({@code events.db}), beside the registry: queue writes are frequent
 * and each is fsynced ({@code synchronous=FULL}: an accepted event is a promise, and removing a delivered one promptly
 * keeps redeliveries after a power cut few), which the registry's instance rows need not pay for, nor wait behind.
 * One connection behind a lock, as in {@link NodeDatabase}.
 */
public final class EventDatabase implements EventStore, TriggerStore, AutoCloseable {
    /** Schema versions, oldest first, as in {@link NodeSchema}. Append; never edit one that shipped. */
    static final List<String> MIGRATIONS = List.of("""
            CREATE TABLE events (
                seq            INTEGER PRIMARY KEY AUTOINCREMENT,  -- delivery order; never reused
                id             TEXT NOT NULL UNIQUE,               -- the request id the function sees
                function       TEXT NOT NULL,
                source         TEXT NOT NULL,
                payload        BLOB NOT NULL,
                client_context TEXT,
                enqueued_ms    INTEGER NOT NULL,
                attempts       INTEGER NOT NULL,
                not_before_ms  INTEGER NOT NULL
            );
            CREATE INDEX events_of_function ON events (function, seq);
            CREATE TABLE dropped_events (
                id          TEXT NOT NULL,
                function    TEXT NOT NULL,
                source      TEXT NOT NULL,
                enqueued_ms INTEGER NOT NULL,
                dropped_ms  INTEGER NOT NULL,
                attempts    INTEGER NOT NULL,
                reason      TEXT NOT NULL,
                last_error  TEXT
            );
            CREATE INDEX dropped_of_function ON dropped_events (function, dropped_ms);
            CREATE TABLE event_invoke_configs (
                function               TEXT PRIMARY KEY,
                maximum_retry_attempts INTEGER NOT NULL,
                maximum_event_age_s    INTEGER NOT NULL,
                on_success             TEXT,
                on_failure             TEXT,
                last_modified_ms       INTEGER NOT NULL
            );
            """, """
            -- Sources bound to functions (Trigger): for type 'mqtt', a topic filter, its QoS and a reply topic; for
            -- 'schedule', an EventBridge expression, its time zone and the last tick it fired.
            CREATE TABLE triggers (
                id           TEXT PRIMARY KEY,
                function     TEXT NOT NULL,
                type         TEXT NOT NULL,
                topic        TEXT,
                qos          INTEGER NOT NULL,
                reply_topic  TEXT,
                expression   TEXT,
                time_zone    TEXT,
                created_ms   INTEGER NOT NULL,
                last_tick_ms INTEGER
            );
            """);
    /** Drop records kept per function, newest first: enough to see what went wrong, bounded on a small disk. */
    static final int DROPS_KEPT = 10_000;
    private static final String EVENT_COLUMNS =
            "seq, id, function, source, payload, client_context, enqueued_ms, attempts, not_before_ms";

    private final Connection db;
    private final ReentrantLock lock = new ReentrantLock();

    private EventDatabase(Connection db) throws SQLException {
        this.db = db;
        try (Statement st = db.createStatement()) {
            st.execute("PRAGMA synchronous = FULL");
        }
    }

    public static EventDatabase open(Path file) {
        return NodeDatabase.connect(file, MIGRATIONS, EventDatabase::new);
    }

    @Override
    public boolean append(QueuedEvent e, int limit) {
        return locked("queue an event for " + e.function(), () -> update("INSERT INTO events (id, function, source, payload, "
                + "client_context, enqueued_ms, attempts, not_before_ms) SELECT ?, ?, ?, ?, ?, ?, ?, ? "
                + "WHERE (SELECT count(*) FROM events WHERE function = ?) < ?", e.id(), e.function(), e.source(), e.payload(),
                e.clientContext(), e.enqueuedAt().toEpochMilli(), e.attempts(), e.notBefore().toEpochMilli(), e.function(), limit) == 1);
    }

    @Override
    public Optional<QueuedEvent> head(String function) {
        return locked("read the queue of " + function, () -> query(
                "SELECT " + EVENT_COLUMNS + " FROM events WHERE function = ? ORDER BY seq LIMIT 1",
                EventDatabase::event, function).stream().findFirst());
    }

    private static QueuedEvent event(ResultSet rs) throws SQLException {
        return new QueuedEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBytes(5), rs.getString(6),
                Instant.ofEpochMilli(rs.getLong(7)), rs.getInt(8), Instant.ofEpochMilli(rs.getLong(9)));
    }

    @Override
    public List<String> functionsWithEvents() {
        return locked("list the queues", () -> query("SELECT DISTINCT function FROM events ORDER BY function", rs -> rs.getString(1)));
    }

    @Override
    public List<String> functionsWithEventsOrDrops() {
        return locked("list the queues and drops", () -> query(
                "SELECT function FROM events UNION SELECT function FROM dropped_events ORDER BY function", rs -> rs.getString(1)));
    }

    @Override
    public void retryLater(QueuedEvent e) {
        locked("record an attempt of event " + e.id(), () -> update(
                "UPDATE events SET attempts = ?, not_before_ms = ? WHERE id = ?", e.attempts(), e.notBefore().toEpochMilli(), e.id()));
    }

    @Override
    public void remove(String eventId) {
        locked("remove event " + eventId, () -> update("DELETE FROM events WHERE id = ?", eventId));
    }

    @Override
    public void drop(DroppedEvent d) {
        locked("drop event " + d.id(), () -> {
            db.setAutoCommit(false);
            try {
                update("DELETE FROM events WHERE id = ?", d.id());
                update("INSERT INTO dropped_events (id, function, source, enqueued_ms, dropped_ms, attempts, reason, last_error) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", d.id(), d.function(), d.source(), d.enqueuedAt().toEpochMilli(),
                        d.droppedAt().toEpochMilli(), d.attempts(), d.reason(), d.lastError());
                update("DELETE FROM dropped_events WHERE function = ? AND rowid NOT IN "
                        + "(SELECT rowid FROM dropped_events WHERE function = ? ORDER BY rowid DESC LIMIT ?)", d.function(), d.function(), DROPS_KEPT);
                db.commit();
                return null;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        });
    }

    @Override
    public List<DroppedEvent> dropped(String function, int limit) {
        return locked("read the drops of " + function, () -> query("SELECT id, function, source, enqueued_ms, dropped_ms, attempts, "
                + "reason, last_error FROM dropped_events WHERE function = ? ORDER BY rowid DESC LIMIT ?", rs -> new DroppedEvent(
                rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                Instant.ofEpochMilli(rs.getLong(5)), rs.getInt(6), rs.getString(7), rs.getString(8)), function, limit));
    }

    @Override
    public QueueStats stats(String function) {
        return locked("count the queue of " + function, () -> query("SELECT count(*), min(enqueued_ms), "
                + "count(CASE WHEN attempts > 0 THEN 1 END), (SELECT count(*) FROM dropped_events WHERE function = ?) "
                + "FROM events WHERE function = ?", rs -> new QueueStats(function, rs.getInt(1),
                rs.getObject(2) == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(rs.getLong(2))),
                rs.getInt(3), rs.getLong(4)), function, function).getFirst());
    }

    @Override
    public Optional<EventInvokeConfig> config(String function) {
        return locked("read the event invoke config of " + function, () -> query("SELECT maximum_retry_attempts, "
                + "maximum_event_age_s, on_success, on_failure, last_modified_ms FROM event_invoke_configs WHERE function = ?",
                rs -> new EventInvokeConfig(rs.getInt(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5))), function).stream().findFirst());
    }

    @Override
    public void putConfig(String function, EventInvokeConfig c) {
        locked("record the event invoke config of " + function, () -> update("INSERT INTO event_invoke_configs (function, "
                + "maximum_retry_attempts, maximum_event_age_s, on_success, on_failure, last_modified_ms) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT(function) DO UPDATE SET maximum_retry_attempts = excluded.maximum_retry_attempts, "
                + "maximum_event_age_s = excluded.maximum_event_age_s, on_success = excluded.on_success, "
                + "on_failure = excluded.on_failure, last_modified_ms = excluded.last_modified_ms", function,
                c.maximumRetryAttempts(), c.maximumEventAgeSeconds(), c.onSuccess(), c.onFailure(), c.lastModified().toEpochMilli()));
    }

    @Override
    public boolean deleteConfig(String function) {
        return locked("delete the event invoke config of " + function,
                () -> update("DELETE FROM event_invoke_configs WHERE function = ?", function) > 0);
    }

    @Override
    public void add(Trigger t) {
        locked("add a trigger to " + t.function(), () -> update("INSERT INTO triggers (id, function, type, topic, qos, reply_topic, "
                + "expression, time_zone, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", t.id(), t.function(), t.type(), t.topic(),
                t.qos(), t.replyTopic(), t.expression(), t.timeZone(), t.created().toEpochMilli()));
    }

    @Override
    public List<Trigger> triggers() {
        return locked("list the triggers", () -> query("SELECT id, function, type, topic, qos, reply_topic, expression, time_zone, "
                + "created_ms FROM triggers ORDER BY created_ms", rs -> new Trigger(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getInt(5), rs.getString(6), rs.getString(7), rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)))));
    }

    @Override
    public Optional<Instant> lastTick(String id) {
        return locked("read the last tick of " + id, () -> query("SELECT last_tick_ms FROM triggers WHERE id = ? AND last_tick_ms IS NOT NULL",
                rs -> Instant.ofEpochMilli(rs.getLong(1)), id).stream().findFirst());
    }

    @Override
    public void setLastTick(String id, Instant tick) {
        locked("record the last tick of " + id, () -> update("UPDATE triggers SET last_tick_ms = ? WHERE id = ?", tick.toEpochMilli(), id));
    }

    @Override
    public boolean delete(String function, String id) {
        return locked("delete trigger " + id, () -> update("DELETE FROM triggers WHERE function = ? AND id = ?", function, id) > 0);
    }

    @Override
    public void close() {
        locked("close the event queues", () -> {
            db.close();
            return null;
        });
    }

    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            bind(st, params);
            List<T> all = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) all.add(row.read(rs));
            }
            return all;
        }
    }

    private int update(String sql, Object... params) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            bind(st, params);
            return st.executeUpdate();
        }
    }

    private static void bind(PreparedStatement st, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) st.setObject(i + 1, params[i]);
    }

    private <T> T locked(String what, NodeDatabase.Sql<T> work) {
        lock.lock();
        try {
            return NodeDatabase.call(what, work);
        } finally {
            lock.unlock();
        }
    }
}
