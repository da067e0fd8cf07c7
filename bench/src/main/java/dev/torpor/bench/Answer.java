package dev.torpor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The function's answer to one event, and how long the wake that produced it took. */
record Answer(int count, int pid, double ms, boolean correct) {
    static final ObjectMapper JSON = new ObjectMapper();

    static Answer parse(String body, double ms) {
        try {
            JsonNode n = JSON.readTree(body);
            if (!n.has("count")) throw new BenchException("the function answered without a count: " + body);
            return new Answer(n.get("count").asInt(), n.path("pid").asInt(), ms, true);
        } catch (IOException e) {
            throw new BenchException("the function answered something that is not JSON: " + body, e);
        }
    }

    Answer checkedAgainst(int expectedCount) {
        return new Answer(count, pid, ms, count == expectedCount);
    }
}
