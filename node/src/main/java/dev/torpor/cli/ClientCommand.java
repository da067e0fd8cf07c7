package dev.torpor.cli;

import dev.torpor.cli.client.UsageError;
import dev.torpor.cli.client.NodeClient;
import dev.torpor.TorporException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a node: the shared {@code --endpoint}, one {@link NodeClient}, and the one way failures
 * are told. The node's refusals print as {@code error: <ErrorType>: <Message>}; an unreachable node or a bad
 * argument as one line; each exits {@value #FAILED}.
 */
abstract class ClientCommand implements Callable<Integer> {
    static final int FAILED = 2;

    @Mixin
    EndpointOption endpoint;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        try (NodeClient node = new NodeClient(endpoint.url, endpoint.environment())) {
            return run(node);
        } catch (NodeClient.ApiError | NodeClient.Unreachable | UsageError e) {
            err().println(describe(e));
        }
        return FAILED;
    }

    /** A failure in one line: the node's error type and message, or what went wrong on this side. */
    static String describe(Exception e) {
        return "error: " + switch (e) {
            case NodeClient.ApiError a -> a.errorType() + ": " + a.getMessage();
            case TorporException t -> t.detail();
            default -> e.getMessage();
        };
    }

    /** The command's work; its exit code. */
    abstract int run(NodeClient node) throws Exception;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
