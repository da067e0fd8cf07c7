package dev.torpor.cli;

import dev.torpor.cli.client.NodeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "logs", mixinStandardHelpOptions = true, description = "Print what an instance wrote to stdout and stderr.")
final class LogsCommand extends ClientCommand {
    @Mixin
    InstanceId instance;

    @Override
    int run(NodeClient node) {
        out().print(node.logs(instance.id));
        out().flush();
        return 0;
    }
}
