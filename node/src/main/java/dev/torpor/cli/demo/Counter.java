package dev.torpor.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.cli.client.NodeClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One of the counter examples as the demo drives it. A counter answers each event with how many it has seen and
 * the event itself, so an instance that lost its memory (a failed restore, a fresh start) gives itself away.
 */
final class Counter {
    private static final ObjectMapper JSON = new ObjectMapper();

    final String function;
    private int delivered;

    Counter(String function) {
        this.function = function;
    }

    /** What the counter answered to one event, how long the caller waited, and what was wrong with it, if anything. */
    record Answer(int count, Duration took, String problem) {
        boolean correct() {
            return problem == null;
        }

        /** e.g. {@code count 3 ✓} or {@code count 1 ✗ (expected 3)}. */
        String verdict() {
            return (count < 0 ? "no count" : "count " + count) + (correct() ? " ✓" : " ✗ (" + problem + ")");
        }
    }

    /** Sends the next event, {@code {"n": <its number>}}, and checks the answer counts it and echoes it. */
    Answer invoke(NodeClient node) {
        String event = "{\"n\": " + (delivered + 1) + "}";
        long t0 = System.nanoTime();
        NodeClient.Invoked answer;
        try {
            answer = node.invoke(function, event.getBytes(StandardCharsets.UTF_8));
        } catch (NodeClient.ApiError e) {
            return new Answer(-1, since(t0), e.errorType() + ": " + e.getMessage());
        }
        Duration took = since(t0);
        delivered++;
        if (answer.functionError() != null) return new Answer(-1, took, "function error: " + answer.text());
        JsonNode json = answer.json();
        int count = json.path("count").asInt(-1);
        if (count != delivered) return new Answer(count, took, "expected " + delivered);
        if (!json.path("echo").equals(parse(event))) return new Answer(count, took, "echoed " + json.path("echo"));
        return new Answer(count, took, null);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
