package dev.torpor.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.torpor.function.LambdaAccount;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * EventBridge's Scheduled Event, as a rule's target receives it; {@code time} is the tick's, and {@code detail} says
 * how many earlier ticks were missed and folded into this one ({@link Schedules}), else it is {@code {}}.
 */
final class ScheduledEvent {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScheduledEvent() {}

    static byte[] of(Trigger t, Instant tick, long missed, LambdaAccount account) {
        ObjectNode e = JSON.createObjectNode().put("version", "0").put("id", UUID.randomUUID().toString())
                .put("detail-type", "Scheduled Event").put("source", "aws.events").put("account", account.accountId())
                .put("time", tick.toString()).put("region", account.region());
        e.putArray("resources").add("arn:aws:events:" + account.region() + ":" + account.accountId() + ":rule/torpor-" + t.id());
        ObjectNode detail = e.putObject("detail");
        if (missed > 0) detail.put("missedTicks", missed);
        return e.toString().getBytes(StandardCharsets.UTF_8);
    }
}
