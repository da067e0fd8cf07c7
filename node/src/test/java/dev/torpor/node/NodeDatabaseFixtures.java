package dev.torpor.node;

import dev.torpor.function.FunctionDefinition;
import dev.torpor.lifecycle.Instance;
import dev.torpor.lifecycle.InstanceState;
import dev.torpor.lifecycle.StateLoss;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Rows with every field set to something a lossy mapping would get wrong; shared by the tests and the child JVM. */
final class NodeDatabaseFixtures {
    /** Nanosecond precision: epoch milliseconds would lose the last six digits. */
    static final Instant MODIFIED = Instant.parse("2025-03-04T05:06:07.123456789Z");

    private NodeDatabaseFixtures() {}

    static FunctionDefinition function(String name) {
        return new FunctionDefinition(name, "provided.al2023", "bootstrap.handler",
                "says \"hello\", in ünïcode — and 'quotes'", 256, 30,
                Map.of("GREETING", "héllo wörld", "EMPTY", "", "JSON", "{\"a\":[1,2]}"),
                Map.of("torpor:idle", "checkpoint", "team", "edge"),
                4, "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=", 12_345_678_901L, 7, "rev-" + name, MODIFIED);
    }

    static Instance.Snapshot snapshot(String id, InstanceState state, long transitions, boolean claimed) {
        return new Instance.Snapshot(id, "fn-" + id, 3, 128L << 20, state,
                Instant.parse("2025-03-04T05:06:08.000000001Z"), Instant.parse("2025-03-04T05:06:09.5Z"),
                transitions, claimed, 2, 1, 40, 77_000_000L, transitions % 2 == 0 ? null : "exit status 137",
                List.of(InstanceState.STARTING, InstanceState.IDLE, InstanceState.BUSY, state),
                transitions % 2 == 0 ? null : new StateLoss(StateLoss.Reason.OUT_OF_MEMORY, "exit status 137",
                        Instant.parse("2025-03-04T05:06:07Z")));
    }
}
