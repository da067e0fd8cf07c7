package dev.torpor.cli;

import dev.torpor.cli.client.NodeClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.cluster.MigrationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "drain", mixinStandardHelpOptions = true,
        description = "Move every instance off a node to its peers before it is switched off.")
final class DrainCommand extends ClientCommand {
    @Option(names = "--no-compress", description = "Send images as they are.")
    boolean raw;

    @Override
    int run(NodeClient node) throws Exception {
        boolean allMoved = true;
        for (JsonNode m : node.drain(!raw).path("migrations")) {
            if (m.has("error")) {
                allMoved = false;
                err().println(m.path("instanceId").asText() + " stays: " + m.path("error").asText());
            } else {
                out().println(MigrateCommand.describe(NodeClient.JSON.treeToValue(m, MigrationReport.class)));
            }
        }
        return allMoved ? 0 : FAILED;
    }
}
