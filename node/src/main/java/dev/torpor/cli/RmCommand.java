package dev.torpor.cli;

import dev.torpor.cli.client.NodeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Delete a function (DeleteFunction): its instances, checkpoints and code go with it.")
final class RmCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The function's name or ARN.")
    String name;

    @Override
    int run(NodeClient node) {
        node.deleteFunction(name);
        out().println("deleted " + name);
        return 0;
    }
}
