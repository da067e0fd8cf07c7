package dev.torpor.cli;

import dev.torpor.cli.client.NodeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove a trigger; events it queued already are still delivered.")
final class TriggerRmCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The function's name or ARN.")
    String name;

    @Parameters(index = "1", paramLabel = "ID", description = "The trigger's id (`torpor trigger ls NAME`).")
    String id;

    @Override
    int run(NodeClient node) {
        node.removeTrigger(name, id);
        out().printf("removed trigger %s of %s%n", id, name);
        return 0;
    }
}
