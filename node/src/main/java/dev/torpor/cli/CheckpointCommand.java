package dev.torpor.cli;

import dev.torpor.cli.client.NodeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = "Checkpoint an idle instance to disk now, whatever its policy, freeing its memory.")
final class CheckpointCommand extends ClientCommand {
    @Mixin
    InstanceId instance;

    @Override
    int run(NodeClient node) {
        out().println(InstanceTable.line(node.checkpoint(instance.id)));
        return 0;
    }
}
