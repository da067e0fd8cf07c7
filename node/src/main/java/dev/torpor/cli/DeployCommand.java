package dev.torpor.cli;

import dev.torpor.cli.client.CodeZip;
import dev.torpor.cli.client.NodeClient;
import dev.torpor.api.lambda.Environment;
import dev.torpor.api.lambda.FunctionConfiguration;
import dev.torpor.api.lambda.UpdateFunctionConfigurationRequest;
import dev.torpor.node.ByteSize;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Create a function from a directory or a .zip that holds an executable bootstrap.",
                "With --update, give an existing function new code and the settings given."})
final class DeployCommand extends ClientCommand {
    static final int DEFAULT_MEMORY_MIB = 128;
    static final int DEFAULT_TIMEOUT_SECONDS = 30;

    @Parameters(index = "0", paramLabel = "NAME", description = "The function's name.")
    String name;

    @Parameters(index = "1", paramLabel = "PATH", description = "A directory (zipped with its unix modes) or a .zip file.")
    Path path;

    @Option(names = "--memory", paramLabel = "MiB", description = "Memory size, 128 to 10240 (default when creating: "
            + DEFAULT_MEMORY_MIB + ").")
    Integer memoryMiB;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Longest an invocation may run (default when creating: "
            + DEFAULT_TIMEOUT_SECONDS + ").")
    Integer timeoutSeconds;

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "An environment variable of the function; repeatable.")
    Map<String, String> environment;

    @Mixin
    PolicyOptions policy;

    @Option(names = "--concurrency", paramLabel = "N", description = "Reserved concurrency: at most N instances (0 throttles every invoke).")
    Integer concurrency;

    @Option(names = "--update", description = "Replace the code of an existing function instead of creating one.")
    boolean update;

    @Override
    int run(NodeClient node) {
        byte[] zip = CodeZip.of(path);
        FunctionConfiguration fn = update ? update(node, zip) : create(node, zip);
        if (concurrency != null) node.putFunctionConcurrency(name, concurrency);
        out().printf("%s %s: code %s, sha256 %s%n", update ? "updated" : "created", fn.functionName(),
                ByteSize.format(fn.codeSize()), fn.codeSha256());
        return 0;
    }

    private FunctionConfiguration create(NodeClient node, byte[] zip) {
        return node.createFunction(name, zip,
                Objects.requireNonNullElse(memoryMiB, DEFAULT_MEMORY_MIB),
                Objects.requireNonNullElse(timeoutSeconds, DEFAULT_TIMEOUT_SECONDS),
                Objects.requireNonNullElse(environment, Map.of()), policy.tags());
    }

    /** New code, then whatever settings were given; settings not given stay as they are. */
    private FunctionConfiguration update(NodeClient node, byte[] zip) {
        FunctionConfiguration fn = node.updateFunctionCode(name, zip);
        if (memoryMiB != null || timeoutSeconds != null || environment != null) {
            node.updateFunctionConfiguration(name, new UpdateFunctionConfigurationRequest(null, timeoutSeconds, memoryMiB,
                    environment == null ? null : new Environment(environment), null, null, null));
        }
        if (policy.given()) node.setPolicy(name, policy.change());
        return fn;
    }
}
