package dev.torpor.runtimeapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FrameReaderTest {
    private static final int LIMIT = 1024;

    private static FrameReader reader(byte[] wire) {
        return new FrameReader(new ByteArrayInputStream(wire), LIMIT);
    }

    private static FrameReader reader(String wire) {
        return reader(wire.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] everyByteValue() {
        byte[] body = new byte[512];
        for (int i = 0; i < body.length; i++) body[i] = (byte) i;
        return body;
    }

    @Test
    void binaryBodySurvivesARoundTrip() throws IOException {
        byte[] body = everyByteValue(); // holds '\n', NUL and every other byte, twice
        Frame sent = new Frame("REQUEST 12 POST /2018-06-01/runtime/invocation/abc/response",
                Map.of("Content-Type", "application/octet-stream"), body);

        FrameReader r = reader(sent.encode());
        Frame got = r.read();

        assertThat(got.startLine()).isEqualTo(sent.startLine());
        assertThat(got.header("content-type")).isEqualTo("application/octet-stream");
        assertThat(got.header("Content-Length")).isEqualTo("512");
        assertThat(got.body()).isEqualTo(body);
        assertThat(r.read()).as("clean end of stream").isNull();
    }

    @Test
    void readsFramesBackToBackWithHeaderNamesInAnyCase() throws IOException {
        FrameReader r = reader("REQUEST 7 POST /x\nX-Thing: a: b\nCONTENT-LENGTH: 3\n\nabcHELLO\nrelay-version: 1\n\nEXIT 0\n\n");

        Frame first = r.read();
        assertThat(first.words(4)).containsExactly("REQUEST", "7", "POST", "/x");
        assertThat(first.header("x-thing")).isEqualTo("a: b");
        assertThat(first.body()).asString(StandardCharsets.UTF_8).isEqualTo("abc");
        Frame hello = r.read();
        assertThat(hello.verb()).isEqualTo("HELLO");
        assertThat(hello.header("Relay-Version")).isEqualTo("1");
        assertThat(hello.body()).isEmpty();
        assertThat(r.read().startLine()).isEqualTo("EXIT 0");
        assertThat(r.read()).isNull();
    }

    @Test
    void truncatedBodyIsAnEndOfFileError() {
        byte[] wire = new Frame("RESPONSE 1 200 OK", Map.of(), everyByteValue()).encode();
        FrameReader r = reader(Arrays.copyOf(wire, wire.length - 1));

        assertThatThrownBy(r::read).isInstanceOf(EOFException.class);
    }

    @Test
    void truncatedHeadIsAnEndOfFileError() {
        assertThatThrownBy(reader("REQUEST 1 GET /x\nContent-Len")::read).isInstanceOf(EOFException.class);
        assertThatThrownBy(reader("HELLO\n")::read).isInstanceOf(EOFException.class);
    }

    @Test
    void bodyOverTheLimitIsRefusedBeforeItIsRead() {
        FrameReader r = reader("REQUEST 1 POST /x\nContent-Length: " + (LIMIT + 1) + "\n\n");

        assertThatThrownBy(r::read).isInstanceOf(IOException.class).isNotInstanceOf(EOFException.class)
                .hasMessageContaining("exceeds");
    }

    @Test
    void bodyAtTheLimitIsAccepted() throws IOException {
        byte[] body = new byte[LIMIT];
        assertThat(reader(new Frame("REQUEST 1 POST /x", Map.of(), body).encode()).read().body()).hasSize(LIMIT);
    }

    @Test
    void malformedHeadsAreRefused() {
        assertThatThrownBy(reader("REQUEST 1 POST /x\nContent-Length: -1\n\n")::read).isInstanceOf(IOException.class);
        assertThatThrownBy(reader("REQUEST 1 POST /x\nno colon here\n\n")::read).isInstanceOf(IOException.class)
                .hasMessageContaining("malformed");
    }
}
