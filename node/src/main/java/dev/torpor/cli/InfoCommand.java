package dev.torpor.cli;

import dev.torpor.cli.client.NodeClient;
import dev.torpor.api.NodeInfo;
import dev.torpor.node.ByteSize;
import picocli.CommandLine.Command;

@Command(name = "info", mixinStandardHelpOptions = true, description = "What the node is: versions, memory budget, what it holds.")
final class InfoCommand extends ClientCommand {
    @Override
    int run(NodeClient node) {
        NodeInfo i = node.info();
        out().printf("""
                node          %s (torpor %s) at %s
                system        %s, kernel %s
                runc          %s
                criu          %s
                migration     post-copy %s, pre-copy %s
                memory        budget %s, reserved %s, resident %s
                holds         %d function(s), %d instance(s)
                """, i.nodeId(), i.version(), node.endpoint(), i.architecture(), i.kernel(), i.runc(), i.criu(),
                i.migration().postCopy() ? "yes" : "no (no userfaultfd)", i.migration().preCopy() ? "yes" : "no (no soft-dirty tracking)",
                ByteSize.format(i.memoryBudgetBytes()), ByteSize.format(i.memoryReservedBytes()),
                ByteSize.format(i.memoryResidentBytes()), i.functions(), i.instances());
        out().flush();
        return 0;
    }
}
