package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.torpor.function.LambdaRuntime;
import dev.torpor.function.LambdaRuntime.Language;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Functions written as Lambda users write them, on the managed runtimes, with the device's own python3, node and
 * JVMs: each keeps its counter across a checkpoint and restore, and its errors have Lambda's shape.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ManagedRuntimesIT extends RealNodeCase {
    @TempDir
    Path build;

    @Test
    void everyManagedRuntimeTheDeviceCanRunKeepsItsCounterAcrossACheckpointAndTheOthersAreRefusedSayingWhatIsMissing()
            throws Exception {
        Set<Language> ran = EnumSet.noneOf(Language.class);
        for (LambdaRuntime rt : LambdaRuntime.ALL) {
            if (rt.language() == Language.CUSTOM) continue;
            String name = "counter-" + rt.id().replace(".", "-");
            HttpResponse<String> created = node.create(request(name, rt, Map.of()));
            if (created.statusCode() == 400) {
                assertThat(created.headers().firstValue("X-Amzn-ErrorType")).hasValue("InvalidParameterValueException");
                assertThat(TestNode.json(created.body()).get("Message").asText()).as(rt.id())
                        .contains("Runtime " + rt.id() + " needs").contains("which this node lacks");
                continue;
            }
            assertThat(created.statusCode()).as(rt.id() + ": " + created.body()).isEqualTo(201);
            countsOnAcrossACheckpoint(name);
            ran.add(rt.language());
            assertThat(node.call("DELETE", "/2015-03-31/functions/" + name, null).statusCode()).isEqualTo(204);
        }
        assertThat(ran).as("this machine has python3, node and a JVM").containsExactlyInAnyOrder(Language.PYTHON, Language.NODE, Language.JAVA);
    }

    @Test
    void handlerErrorsHaveLambdasShape() throws Exception {
        for (var c : List.of(new Case("python3.9", "ValueError", "stackTrace"), new Case("nodejs18.x", "TypeError", "trace"),
                new Case("java17", "java.lang.IllegalStateException", "stackTrace"))) {
            LambdaRuntime rt = LambdaRuntime.of(c.runtime()).orElseThrow();
            String name = "failing-" + rt.language().name().toLowerCase();
            assertThat(node.create(request(name, rt, Map.of())).statusCode()).isEqualTo(201);

            HttpResponse<String> r = node.invokeRaw(name, "{\"fail\": true}");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("X-Amz-Function-Error")).as(c.runtime()).hasValue("Unhandled");
            JsonNode error = TestNode.json(r.body());
            assertThat(error.get("errorType").asText()).as(r.body()).isEqualTo(c.errorType());
            assertThat(error.get("errorMessage").asText()).as(r.body()).isEqualTo("asked to fail");
            assertThat(error.get(c.traceField()).isArray()).as(r.body()).isTrue();
            assertThat(node.invoke(name, "{}").get("count").asInt()).as("the instance serves on after an error").isEqualTo(1);
            assertThat(node.call("DELETE", "/2015-03-31/functions/" + name, null).statusCode()).isEqualTo(204);
        }
    }

    @Test
    void initErrorsReachTheCallerAsTheRuntimeReportedThem() throws Exception {
        for (var c : List.of(new InitCase("python3.11", "nowhere.handler", "Runtime.ImportModuleError", "Unable to import module 'nowhere'"),
                new InitCase("nodejs20.x", "index.nothing", "Runtime.HandlerNotFound", "index.nothing is undefined or not exported"),
                new InitCase("java21", "example.Missing", "java.lang.ClassNotFoundException", "example.Missing"))) {
            LambdaRuntime rt = LambdaRuntime.of(c.runtime()).orElseThrow();
            String name = "broken-" + rt.language().name().toLowerCase();
            ObjectNode req = request(name, rt, Map.of());
            req.put("Handler", c.handler());
            assertThat(node.create(req).statusCode()).isEqualTo(201);

            HttpResponse<String> r = node.invokeRaw(name, "{}");

            assertThat(r.headers().firstValue("X-Amz-Function-Error")).as(r.body()).hasValue("Unhandled");
            JsonNode error = TestNode.json(r.body());
            assertThat(error.get("errorType").asText()).as(r.body()).isEqualTo(c.errorType());
            assertThat(error.get("errorMessage").asText()).as(r.body()).contains(c.message());
        }
    }

    @Test
    void theFunctionSeesTheVariablesLambdaRuntimeClientsRead() throws Exception {
        ObjectNode req = TestNode.createRequest("env", TestNode.zipOf(TestNode.TEST_FUNCTIONS.resolve("python-env")), 128, 30,
                Map.of("MINE", "1"), Map.of("torpor:suspend", "none"));
        req.put("Runtime", "python3.11").put("Handler", "app.handler");
        assertThat(node.create(req).statusCode()).isEqualTo(201);

        JsonNode env = node.invoke("env", "{\"names\": [\"AWS_LAMBDA_LOG_GROUP_NAME\", \"AWS_LAMBDA_LOG_STREAM_NAME\", "
                + "\"AWS_EXECUTION_ENV\", \"AWS_REGION\", \"AWS_DEFAULT_REGION\", \"TZ\", \"_HANDLER\", \"LAMBDA_TASK_ROOT\", "
                + "\"LAMBDA_RUNTIME_DIR\", \"AWS_LAMBDA_FUNCTION_VERSION\", \"AWS_LAMBDA_FUNCTION_MEMORY_SIZE\", \"MINE\"]}");

        String id = node.instanceOf("env").get("instanceId").asText();
        assertThat(env.get("AWS_LAMBDA_LOG_GROUP_NAME").asText()).isEqualTo("/aws/lambda/env");
        assertThat(env.get("AWS_LAMBDA_LOG_STREAM_NAME").asText()).matches("\\d{4}/\\d{2}/\\d{2}/\\[\\$LATEST\\]" + id);
        assertThat(env.get("AWS_EXECUTION_ENV").asText()).isEqualTo("AWS_Lambda_python3.11");
        assertThat(env.get("AWS_REGION").asText()).isEqualTo(env.get("AWS_DEFAULT_REGION").asText()).isNotBlank();
        assertThat(env.get("TZ").asText()).isEqualTo(":UTC");
        assertThat(env.get("_HANDLER").asText()).isEqualTo("app.handler");
        assertThat(env.get("LAMBDA_TASK_ROOT").asText()).isEqualTo("/var/task");
        assertThat(env.get("LAMBDA_RUNTIME_DIR").asText()).isEqualTo("/var/runtime");
        assertThat(env.get("AWS_LAMBDA_FUNCTION_VERSION").asText()).isEqualTo("$LATEST");
        assertThat(env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").asText()).isEqualTo("128");
        assertThat(env.get("MINE").asText()).isEqualTo("1");
    }

    @Test
    void aCustomRuntimeZipWithoutAnExecutableBootstrapIsRefusedAtCreate() throws Exception {
        ObjectNode req = TestNode.createRequest("nostart", TestNode.zipOf(TestNode.EXAMPLES.resolve("python-counter")), 128, 30,
                Map.of(), Map.of());

        HttpResponse<String> r = node.create(req);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("X-Amzn-ErrorType")).hasValue("InvalidParameterValueException");
        assertThat(r.body()).contains("no executable file named bootstrap");
        assertThat(node.call("GET", "/2015-03-31/functions/nostart", null).statusCode()).isEqualTo(404);
    }

    private void countsOnAcrossACheckpoint(String name) {
        JsonNode first = node.invoke(name, "{\"n\":1}");
        JsonNode second = node.invoke(name, "{\"n\":2}");
        assertThat(second.get("count").asInt()).as(name).isEqualTo(first.get("count").asInt() + 1);
        assertThat(second.get("remainingMs").asLong()).as(name).isBetween(1L, 30_000L);
        String id = node.instanceOf(name).get("instanceId").asText();

        var cp = node.checkpoint(id);
        assertThat(cp.statusCode()).as(name + ": " + cp.body()).isEqualTo(200);
        assertThat(node.instanceOf(name).get("residentMemoryBytes").asLong()).isZero();

        JsonNode third = node.invoke(name, "{\"n\":3}");
        assertThat(third.get("count").asInt()).as(name).isEqualTo(second.get("count").asInt() + 1);
        assertThat(third.get("pid").asLong()).as(name + ": the same process").isEqualTo(first.get("pid").asLong());
        assertThat(third.get("echo").get("n").asInt()).isEqualTo(3);
        assertThat(node.instance(id).get("restores").asInt()).isEqualTo(1);
    }

    /** CreateFunction of the language's counter example, as its README section builds it. */
    private ObjectNode request(String name, LambdaRuntime rt, Map<String, String> env) throws IOException {
        byte[] zip = switch (rt.language()) {
            case PYTHON -> TestNode.zipOf(TestNode.EXAMPLES.resolve("python-counter"));
            case NODE -> TestNode.zipOf(TestNode.EXAMPLES.resolve("node-counter"));
            case JAVA -> TestNode.zipOf(javaCounterClasses());
            case CUSTOM -> throw new IllegalArgumentException(rt.id());
        };
        ObjectNode req = TestNode.createRequest(name, zip, 256, 30, env, Map.of("torpor:suspend", "none"));
        req.put("Runtime", rt.id()).put("Handler", switch (rt.language()) {
            case PYTHON -> "app.handler";
            case NODE -> "index.handler";
            default -> "example.Counter::handleRequest";
        });
        return req;
    }

    /** The Java example compiled for Java 17 against the Lambda core library the node ships. */
    private Path javaCounterClasses() throws IOException {
        Path classes = build.resolve("java-counter");
        if (Files.isDirectory(classes)) return classes;
        Path core = Path.of("target/classes/dev/torpor/function/runtimes/java/aws-lambda-java-core.jar").toAbsolutePath();
        List<String> args = new java.util.ArrayList<>(List.of("--release", "17", "-cp", core.toString(), "-d", classes.toString()));
        try (Stream<Path> sources = Files.walk(TestNode.EXAMPLES.resolve("java-counter/src"))) {
            sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new));
        if (status != 0) throw new UncheckedIOException(new IOException("javac of the Java example failed: " + status));
        return classes;
    }

    private record Case(String runtime, String errorType, String traceField) {}

    private record InitCase(String runtime, String handler, String errorType, String message) {}
}
