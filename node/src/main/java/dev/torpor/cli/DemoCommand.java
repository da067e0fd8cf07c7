package dev.torpor.cli;

import dev.torpor.cli.client.UsageError;
import dev.torpor.cli.client.NodeClient;
import dev.torpor.TorporException;
import dev.torpor.cli.demo.Demo;
import dev.torpor.node.ByteSize;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Show Torpor at work, on a node in this process (needs root, runc and CRIU).",
                "Functions are checkpointed to disk and paused while idle and wake with their state; then more of them",
                "are driven than fit in memory. Exits 0 when every answer was correct."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "The node's data directory, new or empty (default: a temporary one, deleted at the end).")
    Path data;

    @Option(names = "--keep", description = "Keep the data directory and the instances (checkpointed) at the end.")
    boolean keep;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:0",
            description = "Where the node's API listens (default: a free port on 127.0.0.1).")
    String listen;

    @Option(names = "--memory-budget", paramLabel = "SIZE", defaultValue = "256MiB",
            description = "Function memory the node keeps resident at most (default ${DEFAULT-VALUE}).")
    String memoryBudget;

    @Option(names = "--node-log", description = "Also print the node's own log lines (starts, checkpoints, restores).")
    boolean nodeLog;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (!isRoot()) {
            err.println("error: the demo runs containers with runc and CRIU: run it as root (sudo ./torpor demo)");
            return ClientCommand.FAILED;
        }
        try {
            Demo.Options options = new Demo.Options(data, keep, NodeCommand.parseListen(listen), ByteSize.parse(memoryBudget), nodeLog);
            return new Demo(options, spec.commandLine().getOut()).run() ? 0 : 1;
        } catch (TorporException | NodeClient.ApiError | NodeClient.Unreachable | UsageError | IOException
                 | IllegalArgumentException e) {
            err.println(ClientCommand.describe(e));
        }
        return ClientCommand.FAILED;
    }

    /** The owner of /proc/self is this process's effective user. */
    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
