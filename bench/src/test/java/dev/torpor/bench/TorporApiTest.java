package dev.torpor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a node's refusals are put into words for the report. */
class TorporApiTest {
    @Test
    void aLambdaShapedErrorGivesStatusTypeAndMessage() {
        var r = new TorporApi.Reply(400, "{\"Type\":\"InvalidParameterValueException\",\"Message\":\"unknown mode 'post-copy'\"}", false, 3);
        assertThat(r.error()).isEqualTo("400 InvalidParameterValueException: unknown mode 'post-copy'");
    }

    @Test
    void anyOtherBodyIsKeptAsItCame() {
        assertThat(new TorporApi.Reply(502, "Bad Gateway", false, 3).error()).isEqualTo("502: Bad Gateway");
        assertThat(new TorporApi.Reply(500, "", false, 3).error()).isEqualTo("500: ");
    }

    @Test
    void aFunctionErrorSaysSo() {
        var r = new TorporApi.Reply(200, "{\"errorMessage\":\"boom\"}", true, 3);
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).isEqualTo("200 (function error): {\"errorMessage\":\"boom\"}");
    }
}
