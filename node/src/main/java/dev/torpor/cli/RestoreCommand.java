package dev.torpor.cli;

import dev.torpor.cli.client.NodeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore a checkpointed instance now, rather than on its next event.")
final class RestoreCommand extends ClientCommand {
    @Mixin
    InstanceId instance;

    @Override
    int run(NodeClient node) {
        out().println(InstanceTable.line(node.restore(instance.id)));
        return 0;
    }
}
