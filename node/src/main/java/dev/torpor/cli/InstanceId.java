package dev.torpor.cli;

import picocli.CommandLine.Parameters;

/** The instance a command acts on, as {@code torpor ps} lists it. */
final class InstanceId {
    @Parameters(index = "0", paramLabel = "ID", description = "The instance (see `torpor ps`).")
    String id;
}
