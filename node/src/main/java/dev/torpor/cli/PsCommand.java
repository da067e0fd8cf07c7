package dev.torpor.cli;

import dev.torpor.cli.client.NodeClient;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ps", mixinStandardHelpOptions = true, description = "List the node's instances: state, memory, checkpoints.")
final class PsCommand extends ClientCommand {
    @Option(names = "--json", description = "Print the node's JSON as it is.")
    boolean json;

    @Override
    int run(NodeClient node) {
        if (json) {
            out().println(new String(node.instancesJson(), StandardCharsets.UTF_8));
        } else {
            out().print(InstanceTable.of(node.instances()));
            out().flush();
        }
        return 0;
    }
}
