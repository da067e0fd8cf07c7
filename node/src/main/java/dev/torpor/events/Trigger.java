package dev.torpor.events;

import dev.torpor.TorporException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import org.eclipse.paho.client.mqttv3.MqttTopic;

/**
 * A source of events bound to a function. For {@code mqtt}: every message on {@code topic} (a filter, with {@code +}
 * and {@code #}) becomes one event, and the function's answer, when {@code replyTopic} is set, is published there. For
 * {@code schedule}: an EventBridge {@code expression} ({@link ScheduleExpression}) read in {@code timeZone}.
 */
public record Trigger(String id, String function, String type, String topic, int qos, String replyTopic, String expression,
                      String timeZone, Instant created) {
    public static final String MQTT = "mqtt";
    public static final String SCHEDULE = "schedule";

    /** @throws TorporException INVALID_PARAMETER for a trigger that cannot work, saying why */
    public Trigger {
        switch (type) {
            case MQTT -> {
                requireTopic("topic", topic, true);
                if (qos < 0 || qos > 1) throw TorporException.invalid("\"qos\" must be 0 or 1, not " + qos);
                if (replyTopic != null) requireTopic("replyTopic", replyTopic, false);
            }
            case SCHEDULE -> {
                ScheduleExpression.parse(expression);
                try {
                    ZoneId.of(timeZone);
                } catch (DateTimeException | NullPointerException e) {
                    throw TorporException.invalid("\"timeZone\" must be an IANA time zone such as Europe/Paris or UTC, not " + timeZone);
                }
            }
            case null, default -> throw TorporException.invalid("\"type\" must be \"mqtt\" or \"schedule\", not " + type);
        }
    }

    public static Trigger mqtt(String id, String function, String topic, int qos, String replyTopic, Instant created) {
        return new Trigger(id, function, MQTT, topic, qos, replyTopic, null, null, created);
    }

    public static Trigger schedule(String id, String function, String expression, String timeZone, Instant created) {
        return new Trigger(id, function, SCHEDULE, null, 0, null, expression, timeZone, created);
    }

    /** MQTT's own rules (Paho's check): '+' and '#' whole levels, '#' last, wildcards in filters only. */
    private static void requireTopic(String field, String topic, boolean filter) {
        if (topic == null || topic.isEmpty()) throw TorporException.invalid("\"" + field + "\" is required");
        try {
            MqttTopic.validate(topic, filter);
        } catch (IllegalArgumentException e) {
            throw TorporException.invalid("\"" + field + "\" " + topic + " is not a valid MQTT topic" + (filter ? " filter" : "")
                    + ": " + e.getMessage());
        }
    }

    /** Whether a message on {@code topicName} is one of this MQTT trigger's. */
    public boolean matches(String topicName) {
        return MQTT.equals(type) && MqttTopic.isMatched(topic, topicName);
    }

    /** The source its events carry in the queue, which tells whose reply topic the answer goes to. */
    public String source() {
        return type + ":" + id;
    }
}
