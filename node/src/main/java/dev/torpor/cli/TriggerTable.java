package dev.torpor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.List;

/** Triggers as a table: what each listens to (a topic, a schedule), where it answers or when it fires next, how it is doing. */
final class TriggerTable {
    private static final String ROW = "%-36s  %-16s  %-24s  %-3s  %-20s  %-9s  %8s  %8s  %s%n";

    private TriggerTable() {}

    static void print(PrintWriter out, List<JsonNode> triggers) {
        out.printf(ROW, "ID", "FUNCTION", "TOPIC|SCHEDULE", "QOS", "REPLY TOPIC|NEXT", "BROKER", "IN", "OUT", "LAST ERROR");
        for (JsonNode t : triggers) {
            JsonNode s = t.get("state");
            boolean mqtt = t.get("type").asText().equals("mqtt");
            out.printf(ROW, t.get("id").asText(), t.get("function").asText(),
                    mqtt ? t.get("topic").asText() : t.get("expression").asText() + " " + t.get("timeZone").asText(),
                    t.path("qos").asText("-"), mqtt ? t.path("replyTopic").asText("-") : t.path("nextTick").asText("-"),
                    !mqtt ? "-" : s.get("connected").asBoolean() ? "connected" : "down",
                    s.get("messagesIn").asText(), s.get("messagesOut").asText(), s.path("lastError").asText("-"));
        }
    }
}
