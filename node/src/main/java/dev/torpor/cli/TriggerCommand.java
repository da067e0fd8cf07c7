package dev.torpor.cli;

import picocli.CommandLine.Command;

@Command(name = "trigger", mixinStandardHelpOptions = true,
        subcommands = {TriggerAddCommand.class, TriggerLsCommand.class, TriggerRmCommand.class},
        description = "A function's event sources: `trigger add NAME --mqtt TOPIC|--schedule EXPR`, `trigger ls [NAME]`, `trigger rm NAME ID`.")
final class TriggerCommand {}
