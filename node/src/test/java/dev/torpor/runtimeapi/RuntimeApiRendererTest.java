package dev.torpor.runtimeapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.function.InvocationResult;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RuntimeApiRendererTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(byte[] body) throws IOException {
        return JSON.readTree(body);
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    @Test
    void aTimeoutIsAnsweredAsLambdaDoes() throws Exception {
        InvocationResult r = RuntimeApiRenderer.timedOut(Instant.parse("2026-12-02T02:03:04Z"), "c0ffee", 3);

        assertThat(r.functionError()).isEqualTo("Unhandled");
        assertThat(json(r.payload())).isEqualTo(json("""
                {"errorMessage":"2026-12-02T02:03:04.000Z c0ffee Task timed out after 3.00 seconds"}"""));
    }

    @Test
    void runtimeFailuresAreUnhandledWithTheirLambdaType() throws Exception {
        assertThat(json(RuntimeApiRenderer.initError("exec failed").payload())).isEqualTo(json("""
                {"errorMessage":"exec failed","errorType":"Runtime.InitError"}"""));
        assertThat(json(RuntimeApiRenderer.exitError(137).payload())).isEqualTo(json("""
                {"errorMessage":"RequestId: process exited with status 137","errorType":"Runtime.ExitError"}"""));
        assertThat(RuntimeApiRenderer.responseTooLarge(10).functionError()).isEqualTo("Unhandled");
        assertThat(json(RuntimeApiRenderer.responseTooLarge(10).payload()).path("errorType").asText())
                .isEqualTo("Function.ResponseSizeTooLarge");
    }

    @Test
    void refusalsToTheRuntimeAreJsonErrorsOnTheirRequest() throws Exception {
        Frame refusal = RuntimeApiRenderer.invalidRequestId("7", "nope");

        assertThat(refusal.startLine()).isEqualTo("RESPONSE 7 400 Bad Request");
        assertThat(refusal.header("Content-Type")).isEqualTo("application/json");
        assertThat(json(refusal.body())).isEqualTo(json("""
                {"errorMessage":"no event nope is in flight","errorType":"InvalidRequestID"}"""));
        assertThat(RuntimeApiRenderer.invalidPath("8", "/x").startLine()).isEqualTo("RESPONSE 8 404 Not Found");
        assertThat(RuntimeApiRenderer.responseTooLarge("9", 10).startLine()).isEqualTo("RESPONSE 9 413 Request Entity Too Large");
        assertThat(json(RuntimeApiRenderer.accepted("3").body())).isEqualTo(json("{\"status\":\"OK\"}"));
    }
}
