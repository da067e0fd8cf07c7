package dev.torpor.cli;

import dev.torpor.cli.client.Table;
import dev.torpor.api.InstanceView;
import dev.torpor.node.ByteSize;
import java.util.List;

/** How the CLI shows instances: the {@code ps} table and the one line that {@code checkpoint} and {@code restore} print. */
final class InstanceTable {
    static final int ERROR_WIDTH = 40;

    private InstanceTable() {}

    static String of(List<InstanceView> instances) {
        Table t = new Table("FUNCTION", "INSTANCE", "STATE", "RESIDENT", "CHECKPOINT", "INVOCATIONS",
                "CHECKPOINTS/RESTORES", "ADDRESS", "STATE LOST", "LAST ERROR");
        for (InstanceView i : instances) {
            t.row(i.function(), i.instanceId(), i.state(), ByteSize.format(i.residentMemoryBytes()), image(i),
                    i.invocations(), i.checkpoints() + "/" + i.restores(), i.address() == null ? "-" : i.address(), lost(i),
                    Table.truncate(i.lastError(), ERROR_WIDTH));
        }
        return t.render();
    }

    /** e.g. {@code counter-1f2e3d4c CHECKPOINTED, resident 0 B, checkpoint 28.7 MiB}. */
    static String line(InstanceView i) {
        return i.instanceId() + " " + i.state() + ", resident " + ByteSize.format(i.residentMemoryBytes())
                + ", checkpoint " + image(i);
    }

    /** Why the function's state was last lost on the instance, e.g. {@code timeout}; "-" when never. */
    static String lost(InstanceView i) {
        return i.stateLost() == null ? "-" : i.stateLost().reason().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The size of the instance's last checkpoint image; "-" when it has none. */
    static String image(InstanceView i) {
        return i.checkpointBytes() > 0 ? ByteSize.format(i.checkpointBytes()) : "-";
    }
}
