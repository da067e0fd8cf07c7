package dev.torpor.runtimeapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.testing.Await;
import dev.torpor.testing.EventLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class RelayChannelTest {
    @TempDir
    Path tmp;

    private final Recorder listener = new Recorder();
    private final List<FakeRelay> relays = new ArrayList<>();
    private Path socket;
    private RelayChannel channel;

    @BeforeEach
    void openChannel() {
        socket = tmp.resolve("channel/agent.sock");
        channel = new RelayChannel(socket, listener);
        channel.open();
    }

    @AfterEach
    void closeEverything() {
        relays.forEach(FakeRelay::close);
        channel.close();
    }

    private FakeRelay attachedRelay() throws IOException, InterruptedException {
        FakeRelay relay = FakeRelay.connect(socket);
        relays.add(relay);
        relay.hello();
        assertThat(listener.next()).isEqualTo("attached");
        assertThat(channel.attached()).isTrue();
        return relay;
    }

    @Test
    void helloAttaches() throws Exception {
        assertThat(socket).exists();
        assertThat(channel.attached()).isFalse();

        attachedRelay();
    }

    @Test
    void requestsReachTheListenerWithTheirBody() throws Exception {
        FakeRelay relay = attachedRelay();
        byte[] body = {0, 1, '\n', (byte) 0xff, 'x'};

        relay.request(3, "POST", "/2018-06-01/runtime/invocation/abc/response", body);

        assertThat(listener.next()).isEqualTo("request");
        Frame got = listener.requests.take();
        assertThat(got.words(4)).containsExactly("REQUEST", "3", "POST", "/2018-06-01/runtime/invocation/abc/response");
        assertThat(got.body()).isEqualTo(body);
    }

    @Test
    void exitIsHandedUp() throws Exception {
        attachedRelay().send(Frame.of("EXIT 137"));

        assertThat(listener.next()).isEqualTo("exit 137");
    }

    @Test
    void sentFramesArriveByteForByte() throws Exception {
        FakeRelay relay = attachedRelay();
        byte[] body = {'{', 0, '\n', (byte) 0x80, '}'};

        assertThat(channel.send(new Frame("RESPONSE 3 200 OK", Map.of("Content-Type", "application/json"), body))).isTrue();

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes("RESPONSE 3 200 OK\ncontent-type: application/json\ncontent-length: 5\n\n".getBytes(StandardCharsets.UTF_8));
        expected.writeBytes(body);
        assertThat(relay.readBytes(expected.size())).isEqualTo(expected.toByteArray());
    }

    @Test
    void sendingWithoutARelayReportsIt() {
        assertThat(channel.send(Frame.of("RESPONSE 1 200 OK"))).isFalse();
    }

    @Test
    void detachRemovesTheSocketAndEndsWhenTheRelayLetsGo() throws Exception {
        FakeRelay relay = attachedRelay();

        CompletableFuture<Void> detaching = CompletableFuture.runAsync(() -> channel.detach(Duration.ofSeconds(10)));

        assertThat(relay.read().startLine()).isEqualTo("DETACH");
        assertThat(socket).doesNotExist();
        assertThat(detaching).isNotDone();
        relay.send(Frame.of("DETACHED"));
        detaching.get(10, TimeUnit.SECONDS);
        assertThat(listener.next()).isEqualTo("detached");
        assertThat(channel.attached()).isFalse();
        assertThat(relay.read()).as("the agent closed its end").isNull();
    }

    @Test
    void detachTimesOutWhenTheRelayStaysSilent() throws Exception {
        FakeRelay relay = attachedRelay();

        assertThatThrownBy(() -> channel.detach(Duration.ofMillis(100)))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.OPERATION_TIMEOUT));

        assertThat(socket).doesNotExist();
        assertThat(channel.attached()).isFalse();
        assertThat(relay.read().startLine()).isEqualTo("DETACH");
        assertThat(relay.read()).isNull();
    }

    @Test
    void theRelayCanReconnectAfterOpenAgain() throws Exception {
        FakeRelay first = attachedRelay();
        CompletableFuture<Void> detaching = CompletableFuture.runAsync(() -> channel.detach(Duration.ofSeconds(10)));
        first.read();
        first.send(Frame.of("DETACHED"));
        detaching.get(10, TimeUnit.SECONDS);
        assertThat(listener.next()).isEqualTo("detached");

        channel.open();

        assertThat(socket).exists();
        FakeRelay second = attachedRelay();
        second.request(9, "GET", FakeRelay.NEXT, new byte[0]);
        assertThat(listener.next()).isEqualTo("request");
    }

    @Test
    void aBrokenConnectionCountsAsDetachedAndLeavesTheSocketOpen() throws Exception {
        attachedRelay().close();

        assertThat(listener.next()).isEqualTo("detached");
        Await.until("the channel lets go", () -> !channel.attached());
        assertThat(socket).exists();
        attachedRelay();
    }

    /** Records what the channel hands up, in order. */
    private static final class Recorder implements RelayChannel.Listener {
        final EventLog log = new EventLog();
        final BlockingQueue<Frame> requests = new LinkedBlockingQueue<>();

        String next() throws InterruptedException {
            return log.next();
        }

        @Override
        public void onRequest(Frame request, RelayChannel channel) {
            requests.add(request);
            log.add("request");
        }

        @Override
        public void onAttached() {
            log.add("attached");
        }

        @Override
        public void onDetached() {
            log.add("detached");
        }

        @Override
        public void onExit(int status) {
            log.add("exit " + status);
        }
    }
}
