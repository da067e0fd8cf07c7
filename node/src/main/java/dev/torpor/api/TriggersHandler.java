package dev.torpor.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.TorporException;
import dev.torpor.events.MqttTriggers;
import dev.torpor.events.Schedules;
import dev.torpor.events.Trigger;
import dev.torpor.events.TriggerState;
import dev.torpor.lifecycle.Deployments;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Torpor's triggers of a function: {@code POST|GET|DELETE /torpor/v1/functions/{name}/triggers[/{id}]}. */
final class TriggersHandler {
    private static final String TRIGGERS = "/torpor/v1/functions/(?<name>[^/]+)/triggers";
    private static final long MAX_BODY = 64 * 1024;

    /** A trigger as the API shows it, with what it has done and the broker session's state. */
    record View(String id, String function, String type, String topic, Integer qos, String replyTopic, String expression,
                String timeZone, Instant nextTick, Instant created, TriggerState.View state) {}

    private final Deployments deployments;
    private final MqttTriggers mqtt;
    private final Schedules schedules;

    TriggersHandler(Deployments deployments, MqttTriggers mqtt, Schedules schedules) {
        this.deployments = deployments;
        this.mqtt = mqtt;
        this.schedules = schedules;
    }

    void register(Router router) {
        router.add("POST", TRIGGERS + "/?", this::add)
                .add("GET", TRIGGERS + "/?", r -> Response.json(200, Map.of("triggers", all(function(r)).stream().map(this::view).toList())))
                .add("GET", TRIGGERS + "/(?<id>[^/]+)", r -> Response.json(200, view(one(r))))
                .add("DELETE", TRIGGERS + "/(?<id>[^/]+)", r -> {
                    String function = function(r), id = r.pathParam("id");
                    if (!mqtt.remove(function, id) && !schedules.remove(function, id)) throw missing(r);
                    return Response.empty(204);
                });
    }

    private Response add(Request r) throws java.io.IOException {
        String function = function(r);
        JsonNode body = JsonBody.object(r, MAX_BODY);
        String type = JsonBody.text(body, "type");
        Trigger t = switch (type) {
            case Trigger.MQTT -> mqtt.add(function, JsonBody.text(body, "topic"),
                    body.has("qos") ? (int) JsonBody.wholeNumber(body, "qos", 0, 1) : 1, JsonBody.text(body, "replyTopic"));
            case Trigger.SCHEDULE -> schedules.add(function, JsonBody.text(body, "expression"), JsonBody.text(body, "timeZone"));
            case null, default -> throw TorporException.invalid("\"type\" must be \"mqtt\" or \"schedule\", not " + type);
        };
        return Response.json(201, view(t));
    }

    private Trigger one(Request r) {
        String id = r.pathParam("id");
        return all(function(r)).stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow(() -> missing(r));
    }

    private List<Trigger> all(String function) {
        return java.util.stream.Stream.concat(mqtt.list(function).stream(), schedules.list(function).stream()).toList();
    }

    private static TorporException missing(Request r) {
        return TorporException.notFound("Function " + r.functionName() + " has no trigger " + r.pathParam("id"));
    }

    private View view(Trigger t) {
        if (t.type().equals(Trigger.SCHEDULE)) {
            return new View(t.id(), t.function(), t.type(), null, null, null, t.expression(), t.timeZone(),
                    schedules.nextTick(t).orElse(null), t.created(), schedules.state(t));
        }
        TriggerState.View s = mqtt.state(t);
        String error = s.lastError() != null ? s.lastError() : mqtt.lastError().orElse(null);
        return new View(t.id(), t.function(), t.type(), t.topic(), t.qos(), t.replyTopic(), null, null, null, t.created(),
                new TriggerState.View(s.connected(), s.messagesIn(), s.messagesOut(), error));
    }

    private String function(Request r) {
        return deployments.get(r.functionName()).name();
    }
}
