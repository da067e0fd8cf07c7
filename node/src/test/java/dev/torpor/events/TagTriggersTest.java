package dev.torpor.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.function.InvocationResult;
import dev.torpor.function.LambdaAccount;
import dev.torpor.function.TriggerTags;
import dev.torpor.node.EventDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trigger tags at creation, checked as the triggers API checks them, and what a function's deletion takes with it. */
class TagTriggersTest {
    @TempDir
    Path dir;

    private EventDatabase db;
    private EventQueues queues;
    private MqttTriggers mqtt;
    private Schedules schedules;
    private TagTriggers tags;

    @BeforeEach
    void open() {
        db = EventDatabase.open(dir.resolve("events.db"));
        queues = new EventQueues(db, event -> InvocationResult.ok(new byte[0]), LambdaAccount.DEFAULT,
                new DeliverySettings(Duration.ofMillis(5), 10), Clock.systemUTC());
        mqtt = new MqttTriggers(Optional.of(new FakeMqttConnection()), db, queues);
        schedules = new Schedules(db, queues, LambdaAccount.DEFAULT, Clock.systemUTC());
        tags = new TagTriggers(mqtt, schedules, queues);
    }

    @AfterEach
    void close() {
        mqtt.close();
        schedules.close();
        queues.close();
        db.close();
    }

    @Test
    void tagsCreateTheTriggersTheyName() {
        Map<String, String> wanted = Map.of(TriggerTags.MQTT_TOPIC, "sensors/+/temp", TriggerTags.MQTT_QOS, "0",
                TriggerTags.MQTT_REPLY_TOPIC, "answers", TriggerTags.SCHEDULE, "rate(5 minutes)",
                TriggerTags.SCHEDULE_TIME_ZONE, "Europe/Paris");
        tags.check("fn", wanted);
        tags.create("fn", wanted);
        assertThat(mqtt.list("fn")).singleElement().satisfies(t -> {
            assertThat(t.topic()).isEqualTo("sensors/+/temp");
            assertThat(t.qos()).isZero();
            assertThat(t.replyTopic()).isEqualTo("answers");
        });
        assertThat(schedules.list("fn")).singleElement().satisfies(t -> {
            assertThat(t.expression()).isEqualTo("rate(5 minutes)");
            assertThat(t.timeZone()).isEqualTo("Europe/Paris");
        });
    }

    @Test
    void badTagsAreRefusedAndCreateNothing() {
        assertThatThrownBy(() -> tags.check("fn", Map.of(TriggerTags.MQTT_TOPIC, "sensors/#/temp"))).hasMessageContaining("not a valid MQTT topic");
        assertThatThrownBy(() -> tags.check("fn", Map.of(TriggerTags.MQTT_TOPIC, "a", TriggerTags.MQTT_QOS, "2"))).hasMessageContaining("0 or 1");
        assertThatThrownBy(() -> tags.check("fn", Map.of(TriggerTags.MQTT_QOS, "1"))).hasMessageContaining("without " + TriggerTags.MQTT_TOPIC);
        assertThatThrownBy(() -> tags.check("fn", Map.of(TriggerTags.SCHEDULE, "every minute"))).isNotNull();
        assertThatThrownBy(() -> tags.check("fn", Map.of(TriggerTags.SCHEDULE, "rate(1 minute)", TriggerTags.SCHEDULE_TIME_ZONE, "Mars/Olympus")))
                .hasMessageContaining("time zone");
        assertThat(mqtt.list("fn")).isEmpty();
        assertThat(schedules.list("fn")).isEmpty();
    }

    @Test
    void withoutABrokerAnMqttTagIsRefused() {
        MqttTriggers none = new MqttTriggers(Optional.empty(), db, queues);
        assertThatThrownBy(() -> new TagTriggers(none, schedules, queues).check("fn", Map.of(TriggerTags.MQTT_TOPIC, "a/b")))
                .hasMessageContaining("no MQTT broker");
    }

    @Test
    void forgettingAFunctionRemovesItsTriggersAndEventInvokeConfig() {
        tags.create("fn", Map.of(TriggerTags.MQTT_TOPIC, "a/b", TriggerTags.SCHEDULE, "rate(1 minute)"));
        tags.create("other", Map.of(TriggerTags.MQTT_TOPIC, "a/b"));
        queues.putConfig("fn", new EventInvokeConfig(0, 3600, null, null, Instant.now()));
        tags.forget("fn");
        assertThat(mqtt.list("fn")).isEmpty();
        assertThat(schedules.list("fn")).isEmpty();
        assertThat(queues.storedConfig("fn")).isEmpty();
        assertThat(mqtt.list("other")).hasSize(1);
    }
}
