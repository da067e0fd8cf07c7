package dev.torpor.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.lifecycle.Instance;
import dev.torpor.lifecycle.InstanceState;
import dev.torpor.lifecycle.StateLoss;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * How functions and instance snapshots map to rows of the {@code functions} and {@code instances} tables. The column
 * lists and the binders share one order, so each statement below binds the same way. Instants are ISO-8601 text:
 * exact to the nanosecond and readable in the sqlite3 shell. JSON problems surface as SQLException, so the database
 * maps every failure in one place.
 */
final class NodeRows {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
    private static final TypeReference<List<InstanceState>> STATES = new TypeReference<>() {};

    /** The columns after the key, in binding order; the key is bound last, so UPDATE … WHERE name = ? binds alike. */
    private static final List<String> FUNCTION_COLUMNS = List.of("runtime", "handler", "description", "memory_mib",
            "timeout_s", "environment", "tags", "reserved_concurrency", "code_sha256", "code_size", "revision",
            "revision_id", "last_modified");
    private static final List<String> INSTANCE_COLUMNS = List.of("function", "revision", "memory_bytes", "state",
            "since", "last_used", "transitions", "checkpoints", "restores", "invocations", "image_bytes", "last_error",
            "history", "lost_reason", "lost_detail", "lost_at");

    /** Inserts a function unless the name is taken: 0 rows changed then, which the caller reports. */
    static final String INSERT_FUNCTION = "INSERT INTO functions (" + columns(FUNCTION_COLUMNS) + ", name) VALUES ("
            + placeholders(FUNCTION_COLUMNS.size() + 1) + ") ON CONFLICT (name) DO NOTHING";
    static final String UPDATE_FUNCTION = "UPDATE functions SET " + assignments(FUNCTION_COLUMNS, c -> "?")
            + " WHERE name = ?";
    static final String SELECT_FUNCTION = "SELECT name, " + columns(FUNCTION_COLUMNS) + " FROM functions WHERE name = ?";
    static final String SELECT_FUNCTIONS = "SELECT name, " + columns(FUNCTION_COLUMNS) + " FROM functions ORDER BY name";
    static final String DELETE_FUNCTION = "DELETE FROM functions WHERE name = ?";

    static final String UPSERT_INSTANCE = "INSERT INTO instances (" + columns(INSTANCE_COLUMNS) + ", id) VALUES ("
            + placeholders(INSTANCE_COLUMNS.size() + 1) + ") ON CONFLICT (id) DO UPDATE SET "
            + assignments(INSTANCE_COLUMNS, c -> "excluded." + c);
    static final String SELECT_INSTANCES = "SELECT id, " + columns(INSTANCE_COLUMNS) + " FROM instances ORDER BY id";
    static final String DELETE_INSTANCE = "DELETE FROM instances WHERE id = ?";

    private NodeRows() {}

    static void bindFunction(PreparedStatement st, FunctionDefinition fn) throws SQLException {
        int i = 0;
        st.setString(++i, fn.runtime());
        st.setString(++i, fn.handler());
        st.setString(++i, fn.description());
        st.setInt(++i, fn.memoryMiB());
        st.setInt(++i, fn.timeoutSeconds());
        st.setString(++i, toJson(new TreeMap<>(fn.environment())));
        st.setString(++i, toJson(new TreeMap<>(fn.tags())));
        st.setInt(++i, fn.reservedConcurrency());
        st.setString(++i, fn.codeSha256());
        st.setLong(++i, fn.codeSize());
        st.setInt(++i, fn.revision());
        st.setString(++i, fn.revisionId());
        st.setString(++i, fn.lastModified().toString());
        st.setString(++i, fn.name());
    }

    static FunctionDefinition readFunction(ResultSet rs) throws SQLException {
        return new FunctionDefinition(
                rs.getString("name"),
                rs.getString("runtime"),
                rs.getString("handler"),
                rs.getString("description"),
                rs.getInt("memory_mib"),
                rs.getInt("timeout_s"),
                fromJson(rs, "environment", STRING_MAP),
                fromJson(rs, "tags", STRING_MAP),
                rs.getInt("reserved_concurrency"),
                rs.getString("code_sha256"),
                rs.getLong("code_size"),
                rs.getInt("revision"),
                rs.getString("revision_id"),
                Instant.parse(rs.getString("last_modified")));
    }

    /** {@code claimed} is not bound: it belongs to a running node, and a node that reads the row back has none. */
    static void bindInstance(PreparedStatement st, Instance.Snapshot s) throws SQLException {
        int i = 0;
        st.setString(++i, s.function());
        st.setInt(++i, s.revision());
        st.setLong(++i, s.memoryBytes());
        st.setString(++i, s.state().name());
        st.setString(++i, s.since().toString());
        st.setString(++i, s.lastUsed().toString());
        st.setLong(++i, s.transitions());
        st.setLong(++i, s.checkpoints());
        st.setLong(++i, s.restores());
        st.setLong(++i, s.invocations());
        st.setLong(++i, s.imageBytes());
        st.setString(++i, s.lastError());
        st.setString(++i, toJson(s.history()));
        st.setString(++i, s.lost() == null ? null : s.lost().reason().name());
        st.setString(++i, s.lost() == null ? null : s.lost().detail());
        st.setString(++i, s.lost() == null ? null : s.lost().at().toString());
        st.setString(++i, s.id());
    }

    static Instance.Snapshot readInstance(ResultSet rs) throws SQLException {
        return new Instance.Snapshot(
                rs.getString("id"),
                rs.getString("function"),
                rs.getInt("revision"),
                rs.getLong("memory_bytes"),
                InstanceState.valueOf(rs.getString("state")),
                Instant.parse(rs.getString("since")),
                Instant.parse(rs.getString("last_used")),
                rs.getLong("transitions"),
                false,
                rs.getLong("checkpoints"),
                rs.getLong("restores"),
                rs.getLong("invocations"),
                rs.getLong("image_bytes"),
                rs.getString("last_error"),
                List.copyOf(fromJson(rs, "history", STATES)),
                rs.getString("lost_reason") == null ? null : new StateLoss(StateLoss.Reason.valueOf(rs.getString("lost_reason")),
                        rs.getString("lost_detail"), Instant.parse(rs.getString("lost_at"))));
    }

    private static String toJson(Object value) throws SQLException {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static <T> T fromJson(ResultSet rs, String column, TypeReference<T> type) throws SQLException {
        try {
            return JSON.readValue(rs.getString(column), type);
        } catch (JsonProcessingException e) {
            throw new SQLException("column " + column + " holds bad JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String columns(List<String> names) {
        return String.join(", ", names);
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private static String assignments(List<String> names, UnaryOperator<String> value) {
        return names.stream().map(c -> c + " = " + value.apply(c)).collect(Collectors.joining(", "));
    }
}
