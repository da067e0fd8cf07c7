package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.api.SdkClients;
import dev.torpor.testing.Await;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * Asynchronous (Event) invokes on a real node in a child JVM: acknowledged only once queued on disk, so a kill -9 loses
 * none; delivered in order under their own ids; retried, recorded when dropped and reported to a destination.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class EventQueueIT extends RestartableNodeCase {
    private static final Duration DRAIN = Duration.ofMinutes(3);

    /** A child node on a port it keeps across restarts, retrying failed events after milliseconds rather than a minute. */
    private TestNode start(long retryDelayMs, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--event-retry-delay-ms", Long.toString(retryDelayMs)));
        all.addAll(List.of(args));
        return TestNode.peer(data, BUDGET, "127.0.0.1", TestNode.freePort("127.0.0.1"), all);
    }

    /**
     * The first event fails once and waits for its retry, the others wait behind it, the function idle meanwhile: then
     * the node is killed. (Killed while the function is busy, the function may die with it and its memory, which
     * this test reads, would be lost: not a loss of events, but a blind spot of the test.)
     */
    @Test
    void everyAcceptedEventIsDeliveredInOrderAfterAKill9OfTheNode() throws Exception {
        node = start(5_000);
        deploy("seq");
        int n = 40;
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            HttpResponse<String> r = event("seq", "{\"n\":" + i + (i == 1 ? ",\"failOnce\":true}" : "}"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            ids.add(r.headers().firstValue("x-amzn-RequestId").orElseThrow());
        }
        Await.matching("all queued behind the first, which waits for its retry", () -> node.eventQueue("seq"),
                q -> q.get("depth").asInt() == n && q.get("retrying").asInt() == 1, DRAIN);
        node.awaitState(node.instanceOf("seq").get("instanceId").asText(), "IDLE", DRAIN);

        node.kill();
        node.start();

        Await.until("the queue of seq is empty after the restart", () -> node.eventQueue("seq").get("depth").asInt() == 0, DRAIN);
        JsonNode report = node.invoke("seq", "{\"report\":true}");
        List<Integer> seen = new ArrayList<>();
        report.get("seen").forEach(v -> seen.add(v.asInt()));
        List<String> seenIds = new ArrayList<>();
        report.get("ids").forEach(v -> seenIds.add(v.asText()));
        // The first came twice (its failure, its retry) under one id; every other once, in order.
        assertThat(seen).as("%s\n%s", report, node.childOutput())
                .isEqualTo(java.util.stream.Stream.concat(java.util.stream.Stream.of(1), IntStream.rangeClosed(1, n).boxed()).toList());
        assertThat(withoutRepeats(seenIds)).isEqualTo(ids);
        assertThat(node.eventQueue("seq").get("dropped").asInt()).isZero();
    }

    @Test
    void aFailingEventIsRetriedRecordedAndSentToItsFailureDestinationAndAFullQueueRefuses() throws Exception {
        node = start(200, "--event-queue-limit", "3");
        deploy("seq");
        deploy("dlq");
        String id;
        try (LambdaClient lambda = SdkClients.lambda(URI.create(node.endpoint()), Region.US_EAST_1)) {
            lambda.putFunctionEventInvokeConfig(r -> r.functionName("seq").maximumRetryAttempts(1).maximumEventAgeInSeconds(600)
                    .destinationConfig(d -> d.onFailure(f -> f.destination("arn:aws:lambda:us-east-1:000000000000:function:dlq"))));
            var config = lambda.getFunctionEventInvokeConfig(r -> r.functionName("seq"));
            assertThat(config.maximumRetryAttempts()).isEqualTo(1);
            assertThat(config.maximumEventAgeInSeconds()).isEqualTo(600);
            assertThat(config.destinationConfig().onFailure().destination()).endsWith(":function:dlq");
            var accepted = lambda.invoke(r -> r.functionName("seq").invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String("{\"n\":1,\"fail\":true}")));
            assertThat(accepted.statusCode()).isEqualTo(202);
            id = accepted.responseMetadata().requestId();
        }

        JsonNode q = Await.matching("the event is dropped", () -> node.eventQueue("seq"), v -> v.get("dropped").asInt() == 1, DRAIN);
        JsonNode drop = q.get("recentDrops").get(0);
        assertThat(drop.get("id").asText()).isEqualTo(id);
        assertThat(drop.get("reason").asText()).isEqualTo("RetriesExhausted");
        assertThat(drop.get("attempts").asInt()).isEqualTo(2);
        assertThat(drop.get("lastError").asText()).contains("failed on purpose");
        JsonNode tried = node.invoke("seq", "{\"report\":true}");
        assertThat(tried.get("ids")).extracting(JsonNode::asText).containsExactly(id, id);

        Await.until("dlq has the failure record", () -> node.eventQueue("dlq").get("depth").asInt() == 0
                && node.invoke("dlq", "{\"report\":true}").get("seen").size() == 1, DRAIN);
        JsonNode record = node.invoke("dlq", "{\"report\":true}").get("seen").get(0);
        assertThat(record.at("/requestContext/requestId").asText()).isEqualTo(id);
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(record.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(2);
        assertThat(record.at("/requestPayload/n").asInt()).isEqualTo(1);

        // Three slow events fill the queue (the first stays in it while it runs): the fourth is refused, not lost.
        for (int i = 0; i < 3; i++) assertThat(event("seq", "{\"sleep\":5}").statusCode()).isEqualTo(202);
        HttpResponse<String> refused = event("seq", "{\"n\":99}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(refused.headers().firstValue("X-Amzn-ErrorType")).hasValue("TooManyRequestsException");
        assertThat(refused.body()).contains("queue of seq is full");
    }

    private void deploy(String name) {
        var created = node.createTestFunction(name, "sequence", 30, Map.of(), Map.of("torpor:suspend", "none"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    private HttpResponse<String> event(String function, String payload) {
        return node.call("POST", "/2015-03-31/functions/" + function + "/invocations", payload, Map.of("X-Amz-Invocation-Type", "Event"));
    }


    /** The list with each run of equal neighbours kept once. */
    private static <T> List<T> withoutRepeats(List<T> list) {
        List<T> out = new ArrayList<>();
        for (T v : list) if (out.isEmpty() || !out.getLast().equals(v)) out.add(v);
        return out;
    }
}
