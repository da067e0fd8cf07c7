package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.testing.Await;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real schedule on a real node: rate(2 seconds) delivers EventBridge Scheduled Events, two seconds apart. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ScheduleIT extends RealNodeCase {
    @Test
    void aRateDeliversScheduledEventsOnTime() {
        var deployed = node.createTestFunction("seq", "sequence", 30, Map.of(), Map.of("torpor:suspend", "none"));
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
        HttpResponse<String> t = node.call("POST", "/torpor/v1/functions/seq/triggers", "{\"type\":\"schedule\",\"expression\":\"rate(2 seconds)\"}");
        assertThat(t.statusCode()).as(t.body()).isEqualTo(201);
        JsonNode trigger = TestNode.json(t.body());
        assertThat(trigger.get("nextTick").asText()).isNotEmpty();

        JsonNode seen = Await.matching("three ticks reached the function", () -> node.invoke("seq", "{\"report\":true}").get("seen"),
                s -> s.size() >= 3, Duration.ofMinutes(2));
        for (JsonNode tick : seen) assertThat(tick.get("detail-type").asText()).isEqualTo("Scheduled Event");
        // Each tick is on the rate's grid from the trigger's creation (a late one folds the ticks it missed into itself).
        Instant created = Instant.parse(trigger.get("created").asText()), previous = created;
        for (JsonNode tick : seen) {
            Instant time = Instant.parse(tick.get("time").asText());
            assertThat(time).isAfter(previous);
            assertThat(Duration.between(created, time).toMillis() % 2000).isZero();
            previous = time;
        }

        HttpResponse<String> removed = node.call("DELETE", "/torpor/v1/functions/seq/triggers/" + trigger.get("id").asText(), null);
        assertThat(removed.statusCode()).isEqualTo(204);
        assertThat(TestNode.json(node.call("GET", "/torpor/v1/functions/seq/triggers", null).body()).get("triggers")).isEmpty();
    }
}
