package dev.torpor.cli;

import dev.torpor.cli.client.NodeClient;
import picocli.CommandLine.Option;

/** The node a client command talks to: {@code --endpoint}, else {@code $TORPOR_ENDPOINT}, else the local default. */
final class EndpointOption {
    @Option(names = "--endpoint", paramLabel = "URL",
            defaultValue = "${env:TORPOR_ENDPOINT:-" + NodeClient.DEFAULT_ENDPOINT + "}",
            description = "The node's API; default $TORPOR_ENDPOINT,%nelse " + NodeClient.DEFAULT_ENDPOINT + ".")
    String url;
}
