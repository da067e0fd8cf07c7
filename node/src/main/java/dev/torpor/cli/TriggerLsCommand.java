package dev.torpor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.api.lambda.FunctionConfiguration;
import dev.torpor.cli.client.NodeClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "ls", mixinStandardHelpOptions = true, description = "List the triggers of one function, or of all.")
final class TriggerLsCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The function's name or ARN (default: every function).")
    String name;

    @Override
    int run(NodeClient node) {
        List<String> functions = name != null ? List.of(name)
                : node.listFunctions().stream().map(FunctionConfiguration::functionName).toList();
        List<JsonNode> all = new ArrayList<>();
        for (String f : functions) node.triggers(f).forEach(all::add);
        TriggerTable.print(out(), all);
        return 0;
    }
}
