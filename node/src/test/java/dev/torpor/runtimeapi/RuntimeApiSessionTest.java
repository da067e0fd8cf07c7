package dev.torpor.runtimeapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.function.Invocation;
import dev.torpor.function.InvocationResult;
import dev.torpor.testing.Await;
import dev.torpor.testing.EventLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class RuntimeApiSessionTest {
    private static final String ARN = "arn:aws:lambda:eu-west-1:000000000000:function:echo";
    private static final String INVOCATION = "/2018-06-01/runtime/invocation/";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final Recorder events = new Recorder();
    private final RuntimeApiSession session = new RuntimeApiSession(events);
    private RelayChannel channel;
    private FakeRelay relay;

    @BeforeEach
    void attachRelay() throws IOException {
        channel = new RelayChannel(tmp.resolve("agent.sock"), session);
        channel.open();
        relay = connectedRelay();
    }

    @AfterEach
    void close() {
        relay.close();
        channel.close();
    }

    private FakeRelay connectedRelay() throws IOException {
        FakeRelay r = FakeRelay.connect(channel.socketPath());
        r.hello();
        Await.until("the relay is attached", channel::attached);
        return r;
    }

    private static Invocation invocation(String payload) {
        return Invocation.of(payload.getBytes(StandardCharsets.UTF_8), java.time.Duration.ofSeconds(3), ARN, null).dispatchedAt(1_899_999_997_000L);
    }

    /** The function asks for its next event as relay request {@code id}, and the session holds it. */
    private void heldNext(int id) throws Exception {
        relay.request(id, "GET", FakeRelay.NEXT, new byte[0]);
        assertThat(events.log.next()).isEqualTo("waiting");
        assertThat(session.waitingForEvent()).isTrue();
    }

    /** Hands {@code inv} to the function through its held next {@code id} and reads the event it gets. */
    private Frame inFlight(Invocation inv, int id) throws Exception {
        heldNext(id);
        session.deliver(inv, channel);
        return relay.read();
    }

    /** Delivers {@code inv} before the function asks, then lets it ask as request {@code id}: the event it gets. */
    private Frame deliveredBeforeNext(Invocation inv, int id) throws IOException {
        session.deliver(inv, channel);
        relay.request(id, "GET", FakeRelay.NEXT, new byte[0]);
        return relay.read();
    }

    private static void assertEventOf(Invocation inv, Frame frame, int nextId) {
        assertThat(frame.startLine()).isEqualTo("RESPONSE " + nextId + " 200 OK");
        assertThat(frame.body()).isEqualTo(inv.payload());
    }

    private Frame post(int id, String path, Map<String, String> headers, byte[] body) throws IOException {
        relay.send(new Frame("REQUEST " + id + " POST " + path, headers, body));
        return relay.read();
    }

    private static JsonNode json(byte[] body) throws IOException {
        return JSON.readTree(body);
    }

    private static InvocationResult resultOf(Invocation inv) throws Exception {
        return inv.result().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aHeldNextGetsTheEventWithLambdaHeaders() throws Exception {
        Invocation inv = invocation("{\"n\":1}");

        Frame event = inFlight(inv, 1);

        assertEventOf(inv, event, 1);
        assertThat(event.header("Lambda-Runtime-Aws-Request-Id")).isEqualTo(inv.requestId());
        assertThat(event.header("Lambda-Runtime-Deadline-Ms")).isEqualTo("1900000000000");
        assertThat(event.header("Lambda-Runtime-Invoked-Function-Arn")).isEqualTo(ARN);
        assertThat(event.header("Lambda-Runtime-Trace-Id")).startsWith("Root=1-");
        assertThat(session.waitingForEvent()).isFalse();
    }

    @Test
    void anEventDeliveredBeforeNextWaitsForIt() throws Exception {
        Invocation inv = invocation("early");

        Frame event = deliveredBeforeNext(inv, 4);

        assertEventOf(inv, event, 4);
        assertThat(events.log.isEmpty()).as("a queued event is sent at once, nobody is told the function waits").isTrue();
    }

    @Test
    void aResponseCompletesTheInvocationWithItsBody() throws Exception {
        Invocation inv = invocation("in");
        inFlight(inv, 1);
        byte[] answer = {'o', 0, 'u', '\n', (byte) 0xfe};

        Frame ack = post(2, INVOCATION + inv.requestId() + "/response", Map.of(), answer);

        assertThat(ack.startLine()).isEqualTo("RESPONSE 2 202 Accepted");
        InvocationResult result = resultOf(inv);
        assertThat(result.functionError()).isNull();
        assertThat(result.payload()).isEqualTo(answer);
    }

    @Test
    void anErrorIsUnhandled() throws Exception {
        Invocation inv = invocation("in");
        inFlight(inv, 1);
        byte[] error = "{\"errorType\":\"ValueError\",\"errorMessage\":\"bad\"}".getBytes(StandardCharsets.UTF_8);

        Frame ack = post(2, INVOCATION + inv.requestId() + "/error",
                Map.of("Lambda-Runtime-Function-Error-Type", "ValueError"), error);

        assertThat(ack.startLine()).isEqualTo("RESPONSE 2 202 Accepted");
        InvocationResult result = resultOf(inv);
        assertThat(result.functionError()).isEqualTo("Unhandled");
        assertThat(result.payload()).isEqualTo(error);
    }

    @Test
    void anAnswerForAnUnknownRequestIsABadRequest() throws Exception {
        Invocation inv = invocation("in");
        inFlight(inv, 1);

        Frame refusal = post(2, INVOCATION + "not-this-one/response", Map.of(), "x".getBytes(StandardCharsets.UTF_8));

        assertThat(refusal.startLine()).isEqualTo("RESPONSE 2 400 Bad Request");
        assertThat(json(refusal.body()).path("errorType").asText()).isEqualTo("InvalidRequestID");
        assertThat(inv.result()).as("the real event is still in flight").isNotDone();
    }

    @Test
    void anInitErrorIsReported() throws Exception {
        Frame ack = post(1, "/2018-06-01/runtime/init/error",
                Map.of("Lambda-Runtime-Function-Error-Type", "Runtime.ImportModuleError"),
                "no module named handler".getBytes(StandardCharsets.UTF_8));

        assertThat(ack.startLine()).isEqualTo("RESPONSE 1 202 Accepted");
        assertThat(events.log.next()).isEqualTo("initFailed Runtime.ImportModuleError: no module named handler");
    }

    @Test
    void anUnknownPathIsNotFound() throws Exception {
        relay.request(1, "GET", "/2018-06-01/runtime/something-else", new byte[0]);

        Frame refusal = relay.read();
        assertThat(refusal.startLine()).isEqualTo("RESPONSE 1 404 Not Found");
        assertThat(json(refusal.body()).path("errorType").asText()).isEqualTo("InvalidPath");
    }

    /** The function waits in next as request 1; then the channel breaks and the relay reconnects. */
    private void reconnectWhileNextIsHeld() throws Exception {
        heldNext(1);
        relay.close(); // the relay will reconnect and re-send its pending next
        Await.until("the session forgets the held next", () -> !session.waitingForEvent());
        relay = connectedRelay();
    }

    @Test
    void aDetachForgetsTheHeldNextAndAReSentNextIsHeldAgain() throws Exception {
        reconnectWhileNextIsHeld();

        Invocation inv = invocation("after reconnect");
        assertEventOf(inv, inFlight(inv, 1), 1);
    }

    @Test
    void anEventDeliveredWhileDetachedGoesToTheReSentNext() throws Exception {
        reconnectWhileNextIsHeld();
        Invocation inv = invocation("while detached");

        assertEventOf(inv, deliveredBeforeNext(inv, 1), 1);
    }

    @Test
    void anOversizedResponseIsRefusedAndFailsTheInvocation() throws Exception {
        Invocation inv = invocation("in");
        inFlight(inv, 1);

        Frame refusal = post(2, INVOCATION + inv.requestId() + "/response", Map.of(), new byte[6 * 1024 * 1024 + 1]);

        assertThat(refusal.startLine()).isEqualTo("RESPONSE 2 413 Request Entity Too Large");
        InvocationResult result = resultOf(inv);
        assertThat(result.functionError()).isEqualTo("Unhandled");
        assertThat(json(result.payload()).path("errorType").asText()).isEqualTo("Function.ResponseSizeTooLarge");
    }

    @Test
    void anExitFailsTheEventInFlight() throws Exception {
        Invocation inv = invocation("in");
        inFlight(inv, 1);

        relay.send(Frame.of("EXIT 137"));

        assertThat(events.log.next()).isEqualTo("exited 137");
        InvocationResult result = resultOf(inv);
        assertThat(result.functionError()).isEqualTo("Unhandled");
        assertThat(json(result.payload()).path("errorType").asText()).isEqualTo("Runtime.ExitError");
    }

    @Test
    void anEventThatCannotBeSentFailsAtOnceAndTheFunctionStillTakesTheNext() throws Exception {
        heldNext(1);
        Invocation lost = invocation("lost");
        // the channel the event leaves by has no relay on it: as when the connection closes just before the send
        try (RelayChannel closed = new RelayChannel(tmp.resolve("closed.sock"), session)) {
            session.deliver(lost, closed);
        }

        assertThat(lost.result()).isCompletedExceptionally();
        assertThatThrownBy(() -> resultOf(lost)).cause()
                .isInstanceOfSatisfying(TorporException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_NOT_READY);
                    assertThat(e.getMessage()).contains(lost.requestId()).contains("relay channel is closed");
                });
        assertThat(events.log.next()).startsWith("eventLost event " + lost.requestId() + " could not reach the function");

        relay.request(1, "GET", FakeRelay.NEXT, new byte[0]); // the relay asks again, as after a reconnect
        assertThat(events.log.next()).isEqualTo("waiting");
        Invocation next = invocation("next");
        session.deliver(next, channel);
        assertEventOf(next, relay.read(), 1);
    }

    /** Records what the session tells the lifecycle, in order. */
    private static final class Recorder implements RuntimeApiSession.Events {
        final EventLog log = new EventLog();

        @Override
        public void waitingForEvent() {
            log.add("waiting");
        }

        @Override
        public void exited(int status) {
            log.add("exited " + status);
        }

        @Override
        public void initFailed(String errorType, String message) {
            log.add("initFailed " + errorType + ": " + message);
        }

        @Override
        public void eventLost(String why) {
            log.add("eventLost " + why);
        }
    }
}
