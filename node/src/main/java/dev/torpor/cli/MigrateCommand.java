package dev.torpor.cli;

import dev.torpor.cli.client.NodeClient;
import dev.torpor.cluster.MigrationMode;
import dev.torpor.cluster.MigrationReport;
import dev.torpor.node.ByteSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Move an instance, with its memory, to another node; the function keeps its name and answers there.")
final class MigrateCommand extends ClientCommand {
    @Mixin
    InstanceId instance;

    @Option(names = "--to", required = true, paramLabel = "NODE", description = "The target node's id (see `torpor info`).")
    String target;

    @Option(names = "--no-compress", description = "Send the image as it is (faster on a fast link with a slow CPU).")
    boolean raw;

    @Option(names = "--mode", paramLabel = "MODE", description = "post-copy (frozen briefly; the source must live until "
            + "every page arrived) or stop-and-copy (frozen until the whole image arrived; safe whatever fails). "
            + "Default: post-copy where both nodes support it.")
    String mode;

    @Override
    int run(NodeClient node) {
        out().println(describe(node.migrate(instance.id, target, !raw, MigrationMode.parse(mode))));
        return 0;
    }

    static String describe(MigrationReport r) {
        return String.format("%s moved %s → %s by %s: image %s, sent %s%s, %d ms in all, frozen %d ms", r.instanceId(), r.from(),
                r.to(), r.mode().wire(), ByteSize.format(r.imageBytes()), ByteSize.format(r.wireBytes()), r.compressed() ? " (zstd)" : "",
                r.totalMillis(), r.frozenMillis());
    }
}
