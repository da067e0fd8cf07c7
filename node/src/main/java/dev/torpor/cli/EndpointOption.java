package dev.torpor.cli;

import dev.torpor.cli.client.NodeClient;
import picocli.CommandLine.Option;

/** The node a client command talks to: {@code --endpoint}, else {@code $TORPOR_ENDPOINT}, else the local default. */
final class EndpointOption {
    @Option(names = "--endpoint", paramLabel = "URL",
            defaultValue = "${env:TORPOR_ENDPOINT:-" + NodeClient.DEFAULT_ENDPOINT + "}",
            description = "The node's API; default $TORPOR_ENDPOINT,%nelse " + NodeClient.DEFAULT_ENDPOINT + ".")
    String url;

    @Option(names = "--ca-bundle", paramLabel = "FILE", description = "Trust an https node whose certificate this CA "
            + "(PEM, e.g. the cluster's ca.crt) issued; default $" + NodeClient.CA_BUNDLE + ".")
    java.nio.file.Path caBundle;

    /** The process environment, with {@code --ca-bundle} in it when given: what the client reads its settings from. */
    java.util.Map<String, String> environment() {
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        if (caBundle != null) env.put(NodeClient.CA_BUNDLE, caBundle.toString());
        return env;
    }
}
