package dev.torpor.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.function.InvocationResult;
import dev.torpor.function.LambdaAccount;
import dev.torpor.node.EventDatabase;
import dev.torpor.testing.Await;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schedules on a clock the test controls: it says when "now" is, and sees which ticks were queued. */
class SchedulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A Monday. */
    private static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");

    @TempDir
    Path dir;

    private final List<QueuedEvent> received = new CopyOnWriteArrayList<>();
    private EventDatabase db;
    private EventQueues queues;

    private Schedules open() {
        db = EventDatabase.open(dir.resolve("events.db"));
        queues = new EventQueues(db, e -> {
            received.add(e);
            return InvocationResult.ok("{}".getBytes());
        }, LambdaAccount.DEFAULT, new DeliverySettings(Duration.ofMillis(5), 100), Clock.systemUTC());
        queues.start();
        Schedules schedules = new Schedules(db, queues, LambdaAccount.DEFAULT, Clock.fixed(T0, ZoneOffset.UTC));
        schedules.loadAll();
        return schedules;
    }

    @AfterEach
    void close() {
        if (queues != null) queues.close();
        if (db != null) db.close();
    }

    private JsonNode tick(int i) throws IOException {
        Await.until("tick " + i + " delivered", () -> received.size() > i);
        return JSON.readTree(received.get(i).payload());
    }

    @Test
    void aRateTicksFromItsCreationAndEachTickIsAScheduledEvent() throws IOException {
        Schedules schedules = open();
        Trigger t = schedules.add("fn", "rate(5 minutes)", null);
        assertThat(schedules.nextTick(t)).hasValue(T0.plus(Duration.ofMinutes(5)));

        assertThat(schedules.fireDue(T0.plus(Duration.ofMinutes(4)))).isZero();
        assertThat(schedules.fireDue(T0.plus(Duration.ofMinutes(5)))).isEqualTo(1);
        assertThat(schedules.fireDue(T0.plus(Duration.ofMinutes(6)))).isZero();
        JsonNode event = tick(0);
        assertThat(event.get("detail-type").asText()).isEqualTo("Scheduled Event");
        assertThat(event.get("source").asText()).isEqualTo("aws.events");
        assertThat(event.get("time").asText()).isEqualTo("2026-01-05T00:05:00Z");
        assertThat(event.get("resources").get(0).asText()).isEqualTo("arn:aws:events:us-east-1:000000000000:rule/torpor-" + t.id());
        assertThat(event.get("detail").isEmpty()).isTrue();
        assertThat(received.getFirst().source()).isEqualTo("schedule:" + t.id());
        assertThat(schedules.nextTick(t)).hasValue(T0.plus(Duration.ofMinutes(10)));
    }

    @Test
    void missedTicksAreFoldedIntoTheLatestAndARestartKnowsWhatItMissed() throws IOException {
        Schedules schedules = open();
        Trigger t = schedules.add("fn", "rate(5 minutes)", null);
        assertThat(schedules.fireDue(T0.plus(Duration.ofMinutes(31)))).isEqualTo(1);
        JsonNode folded = tick(0);
        assertThat(folded.get("time").asText()).isEqualTo("2026-01-05T00:30:00Z");
        assertThat(folded.at("/detail/missedTicks").asInt()).isEqualTo(5);

        close();
        Schedules restarted = open();
        assertThat(restarted.list("fn")).containsExactly(t);
        assertThat(restarted.nextTick(t)).hasValue(T0.plus(Duration.ofMinutes(35)));
        assertThat(restarted.fireDue(T0.plus(Duration.ofMinutes(36)))).isEqualTo(1);
        JsonNode next = tick(1);
        assertThat(next.get("time").asText()).isEqualTo("2026-01-05T00:35:00Z");
        assertThat(next.get("detail").isEmpty()).isTrue();
    }

    @Test
    void aCronIsReadInItsTimeZone() {
        Schedules schedules = open();
        Trigger paris = schedules.add("fn", "cron(0 9 ? * MON-FRI *)", "Europe/Paris");
        assertThat(schedules.nextTick(paris)).hasValue(Instant.parse("2026-01-05T08:00:00Z")); // 09:00 in Paris, UTC+1
        Trigger quarter = schedules.add("fn", "cron(0/15 * * * ? *)", null);
        assertThat(schedules.nextTick(quarter)).hasValue(T0.plus(Duration.ofMinutes(15)));
        assertThat(schedules.remove("other", quarter.id())).as("another function's trigger").isFalse();
        assertThat(schedules.remove("fn", quarter.id())).isTrue();
        assertThat(schedules.list("fn")).containsExactly(paris);
    }

    @Test
    void badExpressionsAndZonesAreRefusedSayingWhy() {
        Schedules schedules = open();
        assertThatThrownBy(() -> schedules.add("fn", "rate(0 minutes)", null)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> schedules.add("fn", "cron(* * * * * *)", null)).hasMessageContaining("EventBridge cron");
        assertThatThrownBy(() -> schedules.add("fn", "every 5 minutes", null)).hasMessageContaining("rate(N minutes");
        assertThatThrownBy(() -> schedules.add("fn", "rate(1 hour)", "Mars/Olympus")).hasMessageContaining("IANA time zone");
        assertThat(schedules.list("fn")).isEmpty();
    }
}
