package dev.torpor.cli;

import dev.torpor.cli.client.UsageError;
import dev.torpor.cli.client.NodeClient;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "invoke", mixinStandardHelpOptions = true,
        description = {"Invoke a function and print its answer.",
                "A function error prints the error payload on stderr and exits 1."})
final class InvokeCommand extends ClientCommand {
    static final int FUNCTION_ERROR = 1;

    @Parameters(index = "0", paramLabel = "NAME", description = "The function's name or ARN.")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PAYLOAD",
            description = "The event as JSON text; '-' reads it from stdin, as does leaving it out when stdin is not a terminal (else {}).")
    String payload;

    @Option(names = "--event", description = "Invoke asynchronously (InvocationType Event): queue the event, wait for nothing.")
    boolean event;

    /** Standard input, and whether a person types into it: fields so tests can stand in for them. */
    InputStream stdin = System.in;
    boolean stdinIsTerminal = stdinIsTerminal();

    @Override
    int run(NodeClient node) {
        byte[] body = payload(payload, stdinIsTerminal, stdin);
        if (event) {
            node.invokeEvent(name, body);
            err().println("event queued for " + name);
            return 0;
        }
        NodeClient.Invoked answer = node.invoke(name, body);
        if (answer.functionError() != null) {
            err().println(answer.text());
            return FUNCTION_ERROR;
        }
        out().println(answer.text());
        return 0;
    }

    /** The event to send: the argument, stdin for '-' or for no argument with stdin not a terminal, else {}. */
    static byte[] payload(String argument, boolean stdinIsTerminal, InputStream stdin) {
        String text;
        if ("-".equals(argument) || (argument == null && !stdinIsTerminal)) {
            try {
                text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the payload from stdin", e);
            }
        } else {
            text = argument == null ? "{}" : argument;
        }
        if (text.isBlank()) return "{}".getBytes(StandardCharsets.UTF_8);
        try {
            NodeClient.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UsageError("the payload is not JSON: " + e.getOriginalMessage());
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Linux says where fd 0 leads; elsewhere a console means a terminal. */
    private static boolean stdinIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }
}
