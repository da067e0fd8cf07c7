package dev.torpor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.cli.client.NodeClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "add", mixinStandardHelpOptions = true,
        description = "Bind an MQTT topic filter (each message one event) or a schedule (each tick one event) to a function.")
final class TriggerAddCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The function's name or ARN.")
    String name;

    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--mqtt", paramLabel = "TOPIC", description = "A topic filter, with + and # (e.g. sensors/+/temp).")
        String topic;

        @Option(names = "--schedule", paramLabel = "EXPR", description = "rate(5 minutes) or cron(0/5 * * * ? *), as EventBridge's.")
        String expression;
    }

    @Option(names = "--time-zone", paramLabel = "ZONE", description = "For --schedule: the zone its cron is read in (default UTC).")
    String timeZone;

    @Option(names = "--qos", defaultValue = "1", description = "0, or 1: acknowledged only once queued on disk (default ${DEFAULT-VALUE}).")
    int qos;

    @Option(names = "--reply-topic", paramLabel = "TOPIC", description = "Where the function's answer to each message is published.")
    String replyTopic;

    @Override
    int run(NodeClient node) {
        Map<String, Object> trigger = new LinkedHashMap<>();
        if (source.topic != null) {
            trigger.putAll(Map.of("type", "mqtt", "topic", source.topic, "qos", qos));
            if (replyTopic != null) trigger.put("replyTopic", replyTopic);
        } else {
            trigger.putAll(Map.of("type", "schedule", "expression", source.expression));
            if (timeZone != null) trigger.put("timeZone", timeZone);
        }
        JsonNode added = node.addTrigger(name, trigger);
        TriggerTable.print(out(), List.of(added));
        return 0;
    }
}
