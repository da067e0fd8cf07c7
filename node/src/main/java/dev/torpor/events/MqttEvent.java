package dev.torpor.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The event a function gets for an MQTT message (documented in the README):
 * {@code {"source": "torpor.mqtt", "triggerId", "topic", "payload", "payloadEncoding": "json"|"base64", "qos",
 * "retain", "time"}}. The payload is embedded as JSON when it parses as JSON, as an AWS IoT rule's
 * {@code SELECT *} passes it, else base64.
 */
final class MqttEvent {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The whole payload must be JSON: "21.5 C" is text, not the number 21.5 followed by something. */
    private static final com.fasterxml.jackson.databind.ObjectReader WHOLE = JSON.readerFor(JsonNode.class)
            .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private MqttEvent() {}

    static byte[] of(Trigger t, MqttConnection.Message m) {
        ObjectNode e = JSON.createObjectNode().put("source", "torpor.mqtt").put("triggerId", t.id()).put("topic", m.topic());
        JsonNode parsed = parsed(m.payload());
        if (parsed != null) {
            e.set("payload", parsed);
            e.put("payloadEncoding", "json");
        } else {
            e.put("payload", Base64.getEncoder().encodeToString(m.payload()));
            e.put("payloadEncoding", "base64");
        }
        e.put("qos", m.qos()).put("retain", m.retained()).put("time", Instant.now().toString());
        return e.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The payload as JSON, or null when it is not JSON (text, binary, empty). */
    private static JsonNode parsed(byte[] payload) {
        if (payload.length == 0) return null;
        try {
            JsonNode n = WHOLE.readValue(payload);
            return n == null || n.isMissingNode() ? null : n;
        } catch (IOException e) {
            return null;
        }
    }
}
