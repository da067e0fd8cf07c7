package dev.torpor.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.function.InvocationResult;
import dev.torpor.function.LambdaAccount;
import dev.torpor.node.EventDatabase;
import dev.torpor.testing.Await;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MQTT triggers over a fake broker session, queueing into real queues on SQLite. */
class MqttTriggersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final FakeMqttConnection broker = new FakeMqttConnection();
    private final List<QueuedEvent> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch hold = new CountDownLatch(1);
    private volatile boolean holding;
    private EventDatabase db;
    private EventQueues queues;
    private MqttTriggers triggers;

    private MqttTriggers open(Optional<MqttConnection> connection, int queueLimit) {
        db = EventDatabase.open(dir.resolve("events.db"));
        queues = new EventQueues(db, event -> {
            if (holding) hold.await();
            received.add(event);
            return InvocationResult.ok(("{\"got\":\"" + event.id() + "\"}").getBytes());
        }, LambdaAccount.DEFAULT, new DeliverySettings(Duration.ofMillis(5), queueLimit), Clock.systemUTC());
        queues.start();
        triggers = new MqttTriggers(connection, db, queues);
        triggers.start();
        return triggers;
    }

    @AfterEach
    void close() {
        hold.countDown();
        if (triggers != null) triggers.close();
        if (queues != null) queues.close();
        if (db != null) db.close();
    }

    @Test
    void aMessageBecomesAnEventIsAcknowledgedOnceQueuedAndItsAnswerIsPublishedToTheReplyTopic() throws Exception {
        open(Optional.of(broker), 100);
        Await.until("connected", triggers::connected);
        Trigger t = triggers.add("fn", "sensors/+/temp", 1, "sensors/answers");
        assertThat(broker.subscriptions).containsEntry("sensors/+/temp", 1);

        broker.deliver("sensors/kitchen/temp", "{\"c\":21.5}", 1);
        assertThat(broker.acked).hasSize(1);
        broker.deliver("sensors/kitchen/humidity", "{\"h\":40}", 1); // no trigger of it: acknowledged, not queued
        Await.until("the event delivered and answered", () -> broker.published.size() == 1);

        assertThat(received).hasSize(1);
        JsonNode event = JSON.readTree(received.getFirst().payload());
        assertThat(event.get("source").asText()).isEqualTo("torpor.mqtt");
        assertThat(event.get("triggerId").asText()).isEqualTo(t.id());
        assertThat(event.get("topic").asText()).isEqualTo("sensors/kitchen/temp");
        assertThat(event.at("/payload/c").asDouble()).isEqualTo(21.5);
        assertThat(event.get("payloadEncoding").asText()).isEqualTo("json");
        assertThat(event.get("qos").asInt()).isEqualTo(1);
        assertThat(event.get("retain").asBoolean()).isFalse();
        assertThat(broker.published.getFirst()).isEqualTo(new FakeMqttConnection.Published("sensors/answers",
                "{\"got\":\"" + received.getFirst().id() + "\"}", 1));
        assertThat(triggers.state(t)).isEqualTo(new TriggerState.View(true, 1, 1, null));
    }

    @Test
    void aPayloadThatIsNotJsonArrivesInBase64() throws Exception {
        open(Optional.of(broker), 100);
        Await.until("connected", triggers::connected);
        triggers.add("fn", "raw/#", 0, null);
        broker.deliver("raw/a/b", "21.5 C", 0);
        Await.until("delivered", () -> received.size() == 1);
        JsonNode event = JSON.readTree(received.getFirst().payload());
        assertThat(event.get("payloadEncoding").asText()).isEqualTo("base64");
        assertThat(new String(java.util.Base64.getDecoder().decode(event.get("payload").asText()))).isEqualTo("21.5 C");
    }

    @Test
    void aMessageThatCannotBeQueuedIsNotAcknowledgedAndTheSessionIsRestartedForTheBrokerToSendItAgain() {
        holding = true; // the function holds the first event, so the queue (2) fills
        open(Optional.of(broker), 2);
        Await.until("connected", triggers::connected);
        Trigger t = triggers.add("fn", "s/#", 1, null);
        broker.deliver("s/1", "{}", 1);
        broker.deliver("s/2", "{}", 1);
        broker.deliver("s/3", "{}", 1);

        assertThat(broker.acked).extracting(MqttConnection.Message::topic).containsExactly("s/1", "s/2");
        assertThat(triggers.state(t).lastError()).contains("is full");
        Await.until("reconnected", () -> broker.connects == 2 && triggers.connected());
    }

    @Test
    void theNodeReconnectsAndSubscribesAgainWhenTheBrokerComesBack() {
        open(Optional.of(broker), 100);
        Await.until("connected", triggers::connected);
        triggers.add("fn", "a/b", 1, null);
        broker.broker(true);
        broker.subscriptions.clear(); // a broker that lost its sessions
        Await.until("the failed connect is reported", () -> triggers.lastError().orElse("").contains("broker unreachable"));
        broker.broker(false);
        Await.until("reconnected and subscribed again", () -> triggers.connected() && broker.subscriptions.containsKey("a/b"),
                Duration.ofSeconds(15));
    }

    @Test
    void triggersSurviveARestart() {
        open(Optional.of(broker), 100);
        Trigger t = triggers.add("fn", "x/y", 1, "x/answers");
        close();

        FakeMqttConnection again = new FakeMqttConnection();
        open(Optional.of(again), 100);
        assertThat(triggers.list("fn")).containsExactly(t);
        Await.until("subscribed after the restart", () -> again.subscriptions.containsKey("x/y"));
        assertThat(triggers.remove("fn", t.id())).isTrue();
        assertThat(again.subscriptions).doesNotContainKey("x/y");
        assertThat(triggers.remove("fn", t.id())).isFalse();
    }

    @Test
    void withoutABrokerOrWithABadTopicATriggerIsRefusedSayingWhy() {
        open(Optional.empty(), 100);
        assertThatThrownBy(() -> triggers.add("fn", "a/b", 1, null)).hasMessageContaining("--mqtt-broker");
        close();
        open(Optional.of(broker), 100);
        assertThatThrownBy(() -> triggers.add("fn", "a/#/b", 1, null))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER))
                .hasMessageContaining("not a valid MQTT topic filter");
        assertThatThrownBy(() -> triggers.add("fn", "a/b", 1, "replies/+")).hasMessageContaining("replyTopic");
        assertThat(triggers.list("fn")).isEmpty();
    }
}
