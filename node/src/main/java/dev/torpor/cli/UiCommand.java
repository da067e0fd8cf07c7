package dev.torpor.cli;

import dev.torpor.cli.client.NodeClient;
import picocli.CommandLine.Command;

@Command(name = "ui", mixinStandardHelpOptions = true,
        description = {"Print the address of the node's dashboard. On a node started with --credentials it is a one-time",
                "login link, good for two minutes, that gives the browser a session of 12 hours."})
final class UiCommand extends ClientCommand {
    @Override
    int run(NodeClient node) {
        out().println(node.dashboardLink());
        return 0;
    }
}
