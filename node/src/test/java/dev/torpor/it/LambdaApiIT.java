package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Lambda API over plain HTTP against real functions: statuses, error types and what each call leaves behind. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LambdaApiIT extends RealNodeCase {
    private static final String FUNCTIONS = "/2015-03-31/functions";
    private static final Map<String, String> NEVER_SUSPENDED = Map.of("torpor:suspend", "none");

    @Test
    void aMalformedZipIsRefusedAndNothingIsStored() throws Exception {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);

        assertRefusedAsInvalid(node.create(TestNode.createRequest("noise", noise, 128, 30, Map.of(), Map.of())), "Could not unzip");
        assertNothingStored();
    }

    @Test
    void aZipEscapingItsDirectoryIsRefusedAndNothingIsStored() throws Exception {
        byte[] evil = zip(Map.of("bootstrap", "#!/bin/sh\n", "../evil", "escaped"));

        assertRefusedAsInvalid(node.create(TestNode.createRequest("evil", evil, 128, 30, Map.of(), Map.of())),
                "../evil would be written outside the code directory");
        assertNothingStored();
        assertThat(data.resolve("code/evil")).doesNotExist();
        assertThat(data.resolve("evil")).doesNotExist();
    }

    @Test
    void unknownFunctionsDuplicatesAndOversizedPayloadsAreRefusedAsLambdaDoes() {
        HttpResponse<String> unknown = node.invokeRaw("nobody", "{}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("X-Amzn-ErrorType")).hasValue("ResourceNotFoundException");
        assertThat(unknown.body()).contains("Function not found");

        assertThat(createCounter().statusCode()).isEqualTo(201);
        HttpResponse<String> again = createCounter();
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(again.headers().firstValue("X-Amzn-ErrorType")).hasValue("ResourceConflictException");

        HttpResponse<String> tooLarge = node.invokeRaw("counter", "{\"pad\":\"" + "x".repeat(6 * 1024 * 1024) + "\"}");
        assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(413);
        assertThat(tooLarge.headers().firstValue("X-Amzn-ErrorType")).hasValue("RequestTooLargeException");
        assertThat(node.instances()).as("an invocation refused before it reached the function").isEmpty();
    }

    @Test
    void aFunctionErrorIsAnUnhandledAnswerWithTheFunctionsErrorPayload() {
        assertThat(createCounter().statusCode()).isEqualTo(201);

        HttpResponse<String> failed = node.invokeRaw("counter", "{\"fail\":true}");

        assertThat(failed.statusCode()).isEqualTo(200);
        assertThat(failed.headers().firstValue("X-Amz-Function-Error")).hasValue("Unhandled");
        JsonNode error = TestNode.json(failed.body());
        assertThat(error.get("errorType").asText()).isEqualTo("Demo.Failure");
        assertThat(error.get("errorMessage").asText()).isEqualTo("asked to fail");
        assertThat(node.invoke("counter", "{}").get("count").asInt()).as("the instance goes on counting").isEqualTo(2);
    }

    @Test
    void aTimedOutInvocationIsUnhandledAndTheNextOneGetsAFreshInstance() throws Exception {
        assertThat(node.createTestFunction("sleeper", "probe", 1, Map.of(), NEVER_SUSPENDED).statusCode()).isEqualTo(201);
        assertThat(node.invoke("sleeper", "{}").get("count").asInt()).isEqualTo(1);
        String first = node.instanceOf("sleeper").get("instanceId").asText();

        HttpResponse<String> timedOut = node.invokeRaw("sleeper", "{\"sleep\":5}");

        assertThat(timedOut.statusCode()).isEqualTo(200);
        assertThat(timedOut.headers().firstValue("X-Amz-Function-Error")).hasValue("Unhandled");
        JsonNode body = TestNode.json(timedOut.body());
        assertThat(body.size()).as("Lambda's body: the message alone").isEqualTo(1);
        assertThat(body.get("errorMessage").asText()).matches("\\S+Z [0-9a-f-]+ Task timed out after 1\\.00 seconds");
        JsonNode old = node.instance(first);
        assertThat(old.get("state").asText()).isEqualTo("FAILED");
        assertThat(old.get("lastError").asText()).contains("timed out");
        assertThat(node.containers()).doesNotContain(first);

        assertThat(node.invoke("sleeper", "{}").get("count").asInt()).as("counted by a fresh instance").isEqualTo(1);
        assertThat(node.instanceOf("sleeper").get("instanceId").asText()).isNotEqualTo(first);
    }

    @Test
    void anEventInvocationIsAcceptedAndThenProcessed() throws Exception {
        assertThat(createCounter().statusCode()).isEqualTo(201);
        assertThat(node.invoke("counter", "{}").get("count").asInt()).isEqualTo(1);
        String id = node.instanceOf("counter").get("instanceId").asText();

        HttpResponse<String> accepted = node.call("POST", FUNCTIONS + "/counter/invocations", "{\"async\":true}",
                Map.of("X-Amz-Invocation-Type", "Event"));

        assertThat(accepted.statusCode()).isEqualTo(202);
        node.awaitInstance(id, i -> i.get("invocations").asInt() == 2 && i.get("state").asText().equals("IDLE"),
                "done with the event", Duration.ofSeconds(30));
        assertThat(node.invoke("counter", "{}").get("count").asInt()).as("the event was counted").isEqualTo(3);
    }

    @Test
    void newCodeEndsTheOldInstanceAndAnswersFromTheNextInvocation() throws Exception {
        assertThat(createCounter().statusCode()).isEqualTo(201);
        assertThat(node.invoke("counter", "{}").has("ballastMB")).as("the python counter answers").isTrue();
        String old = node.instanceOf("counter").get("instanceId").asText();

        HttpResponse<String> updated = node.call("PUT", FUNCTIONS + "/counter/code", TestNode.JSON.createObjectNode()
                .put("ZipFile", Base64.getEncoder().encodeToString(TestNode.zipOf(TestNode.EXAMPLES.resolve("counter-bash")))).toString());

        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(node.instances().findValuesAsText("instanceId")).doesNotContain(old);
        assertThat(node.containers()).doesNotContain(old);
        assertNoFilesLeftOf(old);
        JsonNode answer = node.invoke("counter", "{\"n\":1}");
        assertThat(answer.has("ballastMB")).as("the bash counter answers: %s", answer).isFalse();
        assertThat(answer.get("count").asInt()).isEqualTo(1);
        assertThat(answer.get("echo").get("n").asInt()).isEqualTo(1);
    }

    @Test
    void deleteFunctionRemovesItsInstancesContainersCodeAndFiles() throws Exception {
        assertThat(node.createTestFunction("probe", "probe", 30, Map.of(), NEVER_SUSPENDED).statusCode()).isEqualTo(201);
        node.invoke("probe", "{}");
        String id = node.instanceOf("probe").get("instanceId").asText();
        assertThat(node.containers()).contains(id);
        node.awaitLog(id, "event 1");

        HttpResponse<String> deleted = node.call("DELETE", FUNCTIONS + "/probe", null);

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(node.invokeRaw("probe", "{}").statusCode()).isEqualTo(404);
        assertThat(node.containers()).doesNotContain(id);
        assertThat(node.instances()).isEmpty();
        assertNothingStored();
        assertNoFilesLeftOf(id);
        assertThat(openFilesUnder(data.resolve("instances"))).as("files the node still holds open").isEmpty();
    }

    private HttpResponse<String> createCounter() {
        return node.create("counter", "counter-python", 128, Map.of(), NEVER_SUSPENDED);
    }

    private static void assertRefusedAsInvalid(HttpResponse<String> r, String because) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(TestNode.json(r.body()).get("Message").asText()).containsIgnoringCase(because);
        assertThat(r.headers().firstValue("X-Amzn-ErrorType")).hasValue("InvalidParameterValueException");
    }

    private void assertNothingStored() throws Exception {
        assertThat(TestNode.json(node.call("GET", FUNCTIONS, null).body()).get("Functions")).isEmpty();
        try (Stream<Path> code = Files.list(data.resolve("code"))) {
            assertThat(code.toList()).as("the code store").isEmpty();
        }
    }

    /** An instance the node has forgotten leaves nothing on disk: no container files, image, log or channel. */
    private void assertNoFilesLeftOf(String id) {
        for (String dir : new String[] {"instances", "checkpoints", "runtime/containers"}) {
            assertThat(data.resolve(dir).resolve(id)).as("what %s left in %s", id, dir).doesNotExist();
        }
    }

    /** What this JVM, which runs the node, has open under {@code dir}. */
    private static List<Path> openFilesUnder(Path dir) throws Exception {
        List<Path> open = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(dir)) open.add(target);
                } catch (java.io.IOException e) {
                    // closed while listing
                }
            }
        }
        return open;
    }

    private static byte[] zip(Map<String, String> entries) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
