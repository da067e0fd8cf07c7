package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.testing.Await;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MQTT triggers against a real Mosquitto the test starts on a loopback port: QoS 1 messages queued durably before they
 * are acknowledged, delivered in order across checkpoints and restores, none lost to a kill -9 of the node or to a
 * restart of the broker. The function answers {"n": …} for each message, published to the trigger's reply topic,
 * where the test counts them.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class MqttIT extends RestartableNodeCase {
    private static final Duration DRAIN = Duration.ofMinutes(4);
    private static final String TOPIC = "sensors/dev1/temp";

    private Mosquitto broker;
    private MqttClient client;
    /** How often each n was answered. */
    private final Map<Integer, Integer> replies = new ConcurrentHashMap<>();

    @AfterEach
    void stopBroker() throws Exception {
        if (client != null) {
            client.disconnectForcibly(0, 0);
            client.close(true);
        }
        if (broker != null) broker.close();
    }

    /** The broker, the test's own client (persistent session, so it keeps its subscription across a broker restart), a node. */
    private void start() throws Exception {
        broker = new Mosquitto(data.resolve("broker"));
        client = new MqttClient(broker.url(), "mqtt-it-test", new MemoryPersistence());
        client.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {}

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage m) throws Exception {
                replies.merge(TestNode.JSON.readTree(m.getPayload()).get("n").asInt(), 1, Integer::sum);
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {}
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setMaxInflight(1000);
        client.connect(options);
        client.subscribe("answers", 1);
        node = TestNode.peer(data.resolve("node"), BUDGET, "127.0.0.1", TestNode.freePort("127.0.0.1"),
                List.of("--mqtt-broker", broker.url(), "--event-retry-delay-ms", "200"));
    }

    @Test
    void aThousandQos1MessagesAreProcessedInOrderAcrossCheckpointsAndRestores() throws Exception {
        start();
        String id = deployWithTrigger(Map.of("torpor:suspend", "checkpoint", "torpor:idle-ms", "500"));
        int bursts = 5, perBurst = 200;
        for (int b = 0; b < bursts; b++) {
            int last = (b + 1) * perBurst;
            publish(b * perBurst + 1, last);
            Await.until("answers to 1.." + last, () -> replies.size() == last, DRAIN);
            node.awaitState(node.instanceOf("seq").get("instanceId").asText(), "CHECKPOINTED", DRAIN);
        }

        JsonNode report = node.invoke("seq", "{\"report\":true}");
        List<Integer> seen = new ArrayList<>();
        report.get("seen").forEach(v -> seen.add(v.asInt()));
        assertThat(seen).as("what the function saw, in order, its memory kept through every checkpoint")
                .isEqualTo(IntStream.rangeClosed(1, bursts * perBurst).boxed().toList());
        JsonNode instance = node.instanceOf("seq");
        assertThat(instance.get("checkpoints").asInt()).isGreaterThanOrEqualTo(bursts);
        assertThat(instance.get("restores").asInt()).isGreaterThanOrEqualTo(bursts);
        assertThat(replies.values()).allMatch(times -> times == 1);
        JsonNode state = trigger(id).get("state");
        assertThat(state.get("connected").asBoolean()).isTrue();
        assertThat(state.get("messagesIn").asInt()).isEqualTo(bursts * perBurst);
        assertThat(state.get("messagesOut").asInt()).isEqualTo(bursts * perBurst);
    }

    @Test
    void nothingAcknowledgedIsLostToAKill9OfTheNodeMidStream() throws Exception {
        start();
        deployWithTrigger(Map.of("torpor:suspend", "none"));
        publish(1, 150);
        Await.until("the stream is under way", () -> replies.size() >= 20, DRAIN);

        node.kill();
        publish(151, 300); // kept by the broker for the node's persistent session
        node.start();

        Await.until("answers to all 300", () -> replies.size() == 300, DRAIN);
        assertThat(replies.keySet()).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 300).boxed().toList());
        int duplicates = replies.values().stream().mapToInt(t -> t - 1).sum();
        System.out.printf("300 messages, %d answered twice (at least once: redelivered after the kill)%n", duplicates);
        assertThat(node.eventQueue("seq").get("dropped").asInt()).isZero();
    }

    @Test
    void theNodeReconnectsAfterTheBrokerRestartsAndCarriesOn() throws Exception {
        start();
        String id = deployWithTrigger(Map.of("torpor:suspend", "none"));
        publish(1, 10);
        Await.until("answers to 1..10", () -> replies.size() == 10, DRAIN);

        broker.stop();
        Await.until("the trigger shows the session down", () -> !trigger(id).at("/state/connected").asBoolean(), DRAIN);
        broker.start();
        Await.until("the node and the test reconnected", () -> trigger(id).at("/state/connected").asBoolean() && client.isConnected(), DRAIN);
        publish(11, 20);
        Await.until("answers to 11..20", () -> replies.size() == 20, DRAIN);
    }

    /** The sequence function with an MQTT trigger on {@link #TOPIC} answering to "answers"; the trigger's id. */
    private String deployWithTrigger(Map<String, String> tags) {
        var created = node.createTestFunction("seq", "sequence", 30, Map.of(), tags);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> t = node.call("POST", "/torpor/v1/functions/seq/triggers",
                "{\"type\":\"mqtt\",\"topic\":\"sensors/+/temp\",\"qos\":1,\"replyTopic\":\"answers\"}");
        assertThat(t.statusCode()).as(t.body()).isEqualTo(201);
        String id = TestNode.json(t.body()).get("id").asText();
        Await.until("the node is connected", () -> trigger(id).at("/state/connected").asBoolean(), DRAIN);
        return id;
    }

    private void publish(int from, int to) throws Exception {
        for (int i = from; i <= to; i++) client.publish(TOPIC, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8), 1, false);
    }

    private JsonNode trigger(String id) {
        HttpResponse<String> r = node.call("GET", "/torpor/v1/functions/seq/triggers/" + id, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestNode.json(r.body());
    }
}
