package dev.torpor.cli;

import dev.torpor.cli.client.UsageError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InvokePayloadTest {
    private static InputStream stdin(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String payload(String argument, boolean terminal, String stdin) {
        return new String(InvokeCommand.payload(argument, terminal, stdin(stdin)), StandardCharsets.UTF_8);
    }

    @Test
    void theArgumentWins() {
        assertThat(payload("{\"n\":1}", false, "{\"piped\":true}")).isEqualTo("{\"n\":1}");
    }

    @Test
    void dashReadsStdinEvenFromATerminal() {
        assertThat(payload("-", true, "{\"piped\":true}")).isEqualTo("{\"piped\":true}");
    }

    @Test
    void noArgumentReadsStdinWhenItIsNotATerminal() {
        assertThat(payload(null, false, "[1, 2]\n")).isEqualTo("[1, 2]\n");
    }

    @Test
    void noArgumentFromATerminalIsAnEmptyObject() {
        assertThat(payload(null, true, "never read")).isEqualTo("{}");
    }

    @Test
    void emptyStdinIsAnEmptyObject() {
        assertThat(payload(null, false, "")).isEqualTo("{}");
    }

    @Test
    void textThatIsNotJsonIsRefusedBeforeItIsSent() {
        assertThatThrownBy(() -> payload("hello", true, "")).isInstanceOf(UsageError.class).hasMessageStartingWith("the payload is not JSON");
    }
}
