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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queues on a real SQLite file, delivering to a fake function whose answers each test chooses. */
class EventQueuesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DeliverySettings FAST = new DeliverySettings(Duration.ofMillis(5), 5);

    @TempDir
    Path dir;

    /** What each function got, in order: event id and payload. */
    private final Map<String, List<QueuedEvent>> received = new ConcurrentHashMap<>();
    private volatile Function<QueuedEvent, InvocationResult> answer = e -> InvocationResult.ok("{\"ok\":true}".getBytes());
    private EventDatabase db;
    private EventQueues queues;

    private final EventTarget target = event -> {
        received.computeIfAbsent(event.function(), f -> new CopyOnWriteArrayList<>()).add(event);
        return answer.apply(event);
    };

    private EventQueues open(EventTarget to) {
        db = EventDatabase.open(dir.resolve("events.db"));
        queues = new EventQueues(db, to, LambdaAccount.DEFAULT, FAST, Clock.systemUTC());
        queues.start();
        return queues;
    }

    @AfterEach
    void close() {
        if (queues != null) queues.close();
        if (db != null) db.close();
    }

    private List<QueuedEvent> got(String function) {
        return received.getOrDefault(function, List.of());
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void eventsAreDeliveredOnceEachInTheOrderTheyWereAcceptedUnderTheirOwnIds() {
        open(target);
        List<String> ids = List.of(queues.enqueue("fn", QueuedEvent.INVOKE, json("{\"n\":1}"), null),
                queues.enqueue("fn", QueuedEvent.INVOKE, json("{\"n\":2}"), "{\"c\":1}"),
                queues.enqueue("fn", QueuedEvent.INVOKE, json("{\"n\":3}"), null));

        Await.until("three deliveries and an empty queue", () -> got("fn").size() == 3 && queues.stats("fn").depth() == 0);
        assertThat(got("fn")).extracting(QueuedEvent::id).isEqualTo(ids);
        assertThat(got("fn").get(1).clientContext()).isEqualTo("{\"c\":1}");
        assertThat(new String(got("fn").get(2).payload(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":3}");
    }

    @Test
    void aFailingEventIsTriedThreeTimesUnderOneIdThenDroppedRecordedAndReportedToItsFailureDestination() throws IOException {
        open(target);
        answer = e -> e.function().equals("fn") ? InvocationResult.unhandled(json("{\"errorMessage\":\"boom\"}"))
                : InvocationResult.ok(json("{}"));
        queues.putConfig("fn", new EventInvokeConfig(2, 3600, null, LambdaAccount.DEFAULT.functionArn("dlq"), Instant.now()));

        String id = queues.enqueue("fn", QueuedEvent.INVOKE, json("{\"n\":1}"), null);
        Await.until("the failure record reaches dlq", () -> got("dlq").size() == 1);

        assertThat(got("fn")).extracting(QueuedEvent::id).containsExactly(id, id, id);
        QueueStats stats = queues.stats("fn");
        assertThat(stats.depth()).isZero();
        assertThat(stats.dropped()).isEqualTo(1);
        DroppedEvent drop = queues.dropped("fn", 10).getFirst();
        assertThat(drop.id()).isEqualTo(id);
        assertThat(drop.reason()).isEqualTo("RetriesExhausted");
        assertThat(drop.attempts()).isEqualTo(3);
        assertThat(drop.lastError()).contains("boom");

        JsonNode record = JSON.readTree(got("dlq").getFirst().payload());
        assertThat(record.at("/requestContext/requestId").asText()).isEqualTo(id);
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(record.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(record.at("/requestPayload/n").asInt()).isEqualTo(1);
        assertThat(record.at("/responseContext/functionError").asText()).isEqualTo("Unhandled");
        assertThat(record.at("/responsePayload/errorMessage").asText()).isEqualTo("boom");
    }

    @Test
    void aSuccessIsReportedToItsSuccessDestination() throws IOException {
        open(target);
        queues.putConfig("fn", new EventInvokeConfig(2, 3600, "arn:aws:lambda:us-east-1:000000000000:function:done", null, Instant.now()));
        String id = queues.enqueue("fn", QueuedEvent.INVOKE, json("{\"n\":1}"), null);

        Await.until("the success record reaches done", () -> got("done").size() == 1);
        JsonNode record = JSON.readTree(got("done").getFirst().payload());
        assertThat(record.at("/requestContext/requestId").asText()).isEqualTo(id);
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("Success");
        assertThat(record.at("/responsePayload/ok").asBoolean()).isTrue();
        assertThat(got("done").getFirst().source()).isEqualTo(QueuedEvent.DESTINATION);
    }

    @Test
    void aRetriedEventIsDeliveredBeforeAnyLaterOne() {
        open(target);
        answer = e -> got("fn").size() == 1 ? InvocationResult.unhandled(json("{}")) : InvocationResult.ok(json("{}"));
        String first = queues.enqueue("fn", QueuedEvent.INVOKE, json("{\"n\":1}"), null);
        String second = queues.enqueue("fn", QueuedEvent.INVOKE, json("{\"n\":2}"), null);

        Await.until("three deliveries", () -> got("fn").size() == 3 && queues.stats("fn").depth() == 0);
        assertThat(got("fn")).extracting(QueuedEvent::id).containsExactly(first, first, second);
    }

    @Test
    void theNodesOwnFailuresAreRetriedWithoutUsingUpTheRetries() {
        open(target);
        answer = e -> {
            if (got("fn").size() <= 4) throw TorporException.throttled("every instance is busy");
            return InvocationResult.ok(json("{}"));
        };
        queues.putConfig("fn", new EventInvokeConfig(0, 3600, null, null, Instant.now()));
        queues.enqueue("fn", QueuedEvent.INVOKE, json("{}"), null);

        Await.until("delivered after four throttles", () -> got("fn").size() == 5 && queues.stats("fn").depth() == 0);
        assertThat(queues.stats("fn").dropped()).isZero();
    }

    @Test
    void aFullQueueRefusesClearlyAndStoresNothing() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        open(event -> {
            release.await(); // holds the queue's head, so the queue fills
            return InvocationResult.ok(json("{}"));
        });
        for (int i = 0; i < FAST.queueLimit(); i++) queues.enqueue("fn", QueuedEvent.INVOKE, json("{}"), null);

        assertThatThrownBy(() -> queues.enqueue("fn", QueuedEvent.INVOKE, json("{}"), null))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TOO_MANY_REQUESTS))
                .hasMessageContaining("queue of fn is full (5 events");
        assertThat(queues.stats("fn").depth()).isEqualTo(FAST.queueLimit());
        queues.enqueue("other", QueuedEvent.INVOKE, json("{}"), null); // the limit is per function
        release.countDown();
    }

    @Test
    void queuedEventsAndConfigurationsSurviveAStopAndAreDeliveredAfterTheNextStart() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        open(event -> {
            never.await(); // the node stops while the head is being delivered
            return InvocationResult.ok(json("{}"));
        });
        queues.putConfig("fn", new EventInvokeConfig(1, 120, null, null, Instant.now()));
        String a = queues.enqueue("fn", QueuedEvent.INVOKE, json("{\"n\":1}"), null);
        String b = queues.enqueue("fn", QueuedEvent.INVOKE, json("{\"n\":2}"), null);
        close();

        open(target);
        Await.until("both delivered after the restart", () -> got("fn").size() == 2);
        assertThat(got("fn")).extracting(QueuedEvent::id).containsExactly(a, b);
        assertThat(queues.config("fn").maximumEventAgeSeconds()).isEqualTo(120);
    }
}
