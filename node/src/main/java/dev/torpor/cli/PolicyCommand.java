package dev.torpor.cli;

import dev.torpor.cli.client.NodeClient;
import dev.torpor.api.PolicyView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Show a function's suspend policy, or change it with --suspend and/or --idle-ms.")
final class PolicyCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The function's name or ARN.")
    String name;

    @Mixin
    PolicyOptions policy;

    @Override
    int run(NodeClient node) {
        PolicyView now = policy.given() ? node.setPolicy(name, policy.change()) : node.policy(name);
        out().printf("%s: suspend %s after %d ms idle, network %s%n", name, now.suspend(), now.idleMs(), now.network());
        return 0;
    }
}
