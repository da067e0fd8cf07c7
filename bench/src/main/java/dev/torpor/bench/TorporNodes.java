package dev.torpor.bench;

import java.nio.file.Path;
import dev.torpor.runtime.oci.OciRuntimes;
import java.util.List;

/** Cleaning up after a node the benchmark ran: its containers and network namespaces, whatever state it ended in. */
final class TorporNodes {
    private TorporNodes() {}

    static void sweep(Path data) {
        String state = data.resolve("runtime/state").toString();
        String scope = OciRuntimes.scopeOf(data.resolve("runtime"));
        for (String id : Sh.run(List.of("runc", "--root", state, "list", "-q")).out().split("\\s+")) {
            if (id.isBlank()) continue;
            Sh.run(List.of("runc", "--root", state, "delete", "--force", id));
        }
        // Namespaces of checkpointed instances outlive their containers until a restore or a removal.
        for (String ns : Sh.run(List.of("ip", "netns", "list")).out().lines().map(l -> l.split(" ")[0]).toList()) {
            if (ns.startsWith("torpor-" + scope + "-")) Sh.run(List.of("ip", "netns", "delete", ns));
        }
    }
}
