package dev.torpor.function;

import java.util.Set;

/**
 * Tags that give a function its triggers when it is created, a shortcut for {@code POST …/triggers}: an MQTT topic
 * filter (with its QoS, 1 by default, and a reply topic) and a schedule expression (with its time zone, UTC by
 * default). Their values are checked by the trigger's own rules, in the events layer, before the function is created.
 */
public final class TriggerTags {
    public static final String MQTT_TOPIC = "torpor:mqtt-topic";
    public static final String MQTT_QOS = "torpor:mqtt-qos";
    public static final String MQTT_REPLY_TOPIC = "torpor:mqtt-reply-topic";
    public static final String SCHEDULE = "torpor:schedule";
    public static final String SCHEDULE_TIME_ZONE = "torpor:schedule-time-zone";
    static final Set<String> ALL = Set.of(MQTT_TOPIC, MQTT_QOS, MQTT_REPLY_TOPIC, SCHEDULE, SCHEDULE_TIME_ZONE);

    private TriggerTags() {}
}
