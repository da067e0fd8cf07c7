package dev.torpor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code torpor} command: a node, and a client of a node's API. */
@Command(name = "torpor", mixinStandardHelpOptions = true, versionProvider = TorporCli.Version.class,
        description = "Long-running functions on small devices: checkpointed to disk while they wait.",
        subcommands = {NodeCommand.class, MigrateCommand.class, DeployCommand.class, InvokeCommand.class, PsCommand.class, FunctionsCommand.class,
                RmCommand.class, CheckpointCommand.class, RestoreCommand.class, LogsCommand.class, PolicyCommand.class,
                InfoCommand.class, UiCommand.class, DemoCommand.class, ClusterCommand.class})
public final class TorporCli {
    public static void main(String[] args) {
        System.exit(new CommandLine(new TorporCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"torpor " + dev.torpor.node.Node.VERSION};
        }
    }
}
