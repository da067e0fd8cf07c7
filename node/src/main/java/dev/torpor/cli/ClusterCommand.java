package dev.torpor.cli;

import dev.torpor.TorporException;
import dev.torpor.tls.ClusterAuthority;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The cluster's certificates: a CA, and a certificate per node that it issues (see the README's Authentication). */
@Command(name = "cluster", mixinStandardHelpOptions = true, subcommands = {ClusterCommand.Init.class, ClusterCommand.AddNode.class},
        description = "Certificates for TLS between the nodes of a cluster: `cluster init`, then `cluster add-node` per node.")
final class ClusterCommand {
    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Make the cluster CA in DIR: ca.key (0600, keep it off the devices) and ca.crt.")
    static final class Init implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "Where the CA is kept; must not hold one yet.")
        Path dir;

        @Option(names = "--name", defaultValue = "torpor cluster CA", description = "The CA's common name (default ${DEFAULT-VALUE}).")
        String name;

        @Option(names = "--days", defaultValue = "3650", description = "How long the CA is valid (default ${DEFAULT-VALUE} days).")
        int days;

        @Override
        public Integer call() {
            return told(() -> {
                ClusterAuthority.create(dir, name, validity(days));
                System.out.println("cluster CA made in " + dir + ": " + ClusterAuthority.CA_KEY + " (secret) and ca.crt");
            });
        }
    }

    @Command(name = "add-node", mixinStandardHelpOptions = true,
            description = "Issue node NAME's certificate and key into DIR/NAME (given to the node as --tls DIR/NAME); again to re-issue.")
    static final class AddNode implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The node's id (its --node-id).")
        String name;

        @Option(names = "--dir", required = true, description = "The CA's directory (from `cluster init`).")
        Path dir;

        @Option(names = "--san", paramLabel = "IP|DNS", description = "An address the node is reached at (repeatable).")
        List<String> names = new ArrayList<>();

        @Option(names = "--days", defaultValue = "730", description = "How long the certificate is valid (default ${DEFAULT-VALUE} days).")
        int days;

        @Override
        public Integer call() {
            return told(() -> System.out.println("certificate of " + name + " in "
                    + ClusterAuthority.open(dir).issue(name, names, validity(days)) + ": start it with --tls that directory"));
        }
    }

    private static Duration validity(int days) {
        if (days < 1) throw TorporException.invalid("--days must be at least 1, not " + days);
        return Duration.ofDays(days);
    }

    /** Runs {@code work}; a refusal is one line on stderr and exit status {@value ClientCommand#FAILED}. */
    private static int told(Runnable work) {
        try {
            work.run();
            return 0;
        } catch (TorporException e) {
            System.err.println("torpor: " + e.getMessage());
            return ClientCommand.FAILED;
        }
    }
}
