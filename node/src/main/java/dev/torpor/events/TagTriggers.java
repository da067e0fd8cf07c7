package dev.torpor.events;

import dev.torpor.TorporException;
import dev.torpor.function.TriggerTags;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A function's event sources over its whole life: the triggers its tags ask for at creation ({@link TriggerTags}),
 * checked by the rules of {@code POST …/triggers} before anything is created, and, when it is deleted, its triggers
 * and its event-invoke configuration, which would otherwise wait for a function of the same name.
 */
public record TagTriggers(MqttTriggers mqtt, Schedules schedules, EventQueues events) {

    /** @throws TorporException INVALID_PARAMETER for tags whose triggers could not work; nothing is changed */
    public void check(String function, Map<String, String> tags) {
        requested(function, tags);
    }

    /** Creates the triggers the tags ask for, once {@link #check} passed and the function exists. */
    public List<Trigger> create(String function, Map<String, String> tags) {
        return requested(function, tags).stream().map(t -> t.type().equals(Trigger.MQTT)
                ? mqtt.add(function, t.topic(), t.qos(), t.replyTopic())
                : schedules.add(function, t.expression(), t.timeZone())).toList();
    }

    /** What goes with a deleted function: its triggers and its event-invoke configuration. */
    public void forget(String function) {
        mqtt.list(function).forEach(t -> mqtt.remove(function, t.id()));
        schedules.list(function).forEach(t -> schedules.remove(function, t.id()));
        events.deleteConfig(function);
    }

    /** The triggers the tags describe, built (and so validated) as the API builds them, not yet stored. */
    private List<Trigger> requested(String function, Map<String, String> tags) {
        List<Trigger> wanted = new ArrayList<>();
        String topic = tags.get(TriggerTags.MQTT_TOPIC);
        if (topic != null) {
            mqtt.requireBroker();
            wanted.add(Trigger.mqtt("", function, topic, qos(tags.getOrDefault(TriggerTags.MQTT_QOS, "1")),
                    tags.get(TriggerTags.MQTT_REPLY_TOPIC), Instant.EPOCH));
        } else {
            requireAbsent(tags, TriggerTags.MQTT_QOS, TriggerTags.MQTT_TOPIC);
            requireAbsent(tags, TriggerTags.MQTT_REPLY_TOPIC, TriggerTags.MQTT_TOPIC);
        }
        String expression = tags.get(TriggerTags.SCHEDULE);
        if (expression != null) {
            wanted.add(Trigger.schedule("", function, expression, tags.getOrDefault(TriggerTags.SCHEDULE_TIME_ZONE, "UTC"), Instant.EPOCH));
        } else {
            requireAbsent(tags, TriggerTags.SCHEDULE_TIME_ZONE, TriggerTags.SCHEDULE);
        }
        return wanted;
    }

    private static int qos(String value) {
        return switch (value) {
            case "0" -> 0;
            case "1" -> 1;
            default -> throw TorporException.invalid("Tag " + TriggerTags.MQTT_QOS + " must be 0 or 1, not " + value);
        };
    }

    private static void requireAbsent(Map<String, String> tags, String tag, String without) {
        if (tags.containsKey(tag)) throw TorporException.invalid("Tag " + tag + " means nothing without " + without);
    }
}
