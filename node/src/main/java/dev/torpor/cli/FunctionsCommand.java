package dev.torpor.cli;

import dev.torpor.cli.client.Table;
import dev.torpor.cli.client.NodeClient;
import dev.torpor.api.lambda.FunctionConfiguration;
import dev.torpor.node.ByteSize;
import picocli.CommandLine.Command;

@Command(name = "functions", mixinStandardHelpOptions = true, description = "List the node's functions (ListFunctions).")
final class FunctionsCommand extends ClientCommand {
    @Override
    int run(NodeClient node) {
        Table t = new Table("NAME", "MEMORY", "TIMEOUT", "CODE", "LAST MODIFIED");
        for (FunctionConfiguration f : node.listFunctions()) {
            t.row(f.functionName(), f.memorySize() + " MiB", f.timeout() + " s", ByteSize.format(f.codeSize()), f.lastModified());
        }
        out().print(t.render());
        out().flush();
        return 0;
    }
}
