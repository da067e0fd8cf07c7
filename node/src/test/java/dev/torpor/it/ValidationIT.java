package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The audit's bad inputs against a real node: each is a 400 with the Lambda error type an SDK maps to its exception,
 * and leaves the node as it was, including the node-to-node endpoints, which trust a peer no more than a caller.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ValidationIT extends RealNodeCase {
    private static final String FUNCTIONS = "/2015-03-31/functions";
    private static final String INVALID_PARAMETER = "InvalidParameterValueException";
    private JsonNode keeper;

    @BeforeEach
    void deployKeeper() {
        HttpResponse<String> created = node.createTestFunction("keeper", "probe", 30, Map.of("GREETING", "hi"), Map.of());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        keeper = configuration("keeper");
    }

    @Test
    void aReplicaWithValuesLambdaRefusesIsRefusedAndStoresNothing() {
        assertRefused(putReplica("victim", -5, 30, Map.of()), INVALID_PARAMETER, "memorySize");
        assertRefused(putReplica("victim", 128, 0, Map.of()), INVALID_PARAMETER, "timeout");
        assertRefused(putReplica("victim", 128, 30, Map.of("A=B\nC", "x")), INVALID_PARAMETER, "A=B\nC");
        assertThat(node.call("GET", FUNCTIONS + "/victim", null).statusCode()).isEqualTo(404);
        assertThat(data.resolve("code/victim")).doesNotExist();

        assertRefused(putReplica("keeper", -5, 0, Map.of("A=B\nC", "x")), INVALID_PARAMETER, "memorySize");
        assertThat(functionNames()).containsExactly("keeper");
        assertThat(configuration("keeper")).as("the function it named is as it was").isEqualTo(keeper);

        assertThat(putReplica("victim", 128, 30, Map.of("GREETING", "hi")).statusCode()).as("the same replica, made valid")
                .isEqualTo(200);
        assertThat(configuration("victim").get("Timeout").asInt()).isEqualTo(30);
    }

    @Test
    void malformedQueryParametersAre400NotServerErrors() {
        assertRefused(node.call("GET", FUNCTIONS + "?MaxItems=abc", null), INVALID_PARAMETER, "MaxItems");
        assertRefused(node.call("GET", FUNCTIONS + "?MaxItems=0", null), INVALID_PARAMETER, "maxItems");
        for (String query : List.of("pid=abc&vaddr=0&count=1", "pid=1&vaddr=-4096&count=1", "pid=1&vaddr=0&count=-1",
                "pid=1&vaddr=0&count=2147483647", "pid=1&vaddr=0&count=99999999999", "vaddr=0&count=1", "")) {
            assertRefused(node.call("GET", "/torpor/v1/migrations/keeper-1/pages?" + query, null), INVALID_PARAMETER, "");
        }
        assertRefused(node.call("POST", "/torpor/v1/migrations/keeper-1/image", ""), INVALID_PARAMETER, "function");
        assertThat(functionNames()).containsExactly("keeper");
    }

    @Test
    void aFractionForAnIntegerIsRefusedNotCut() {
        ObjectNode create = TestNode.createRequest("fraction", TestNode.zipOf(TestNode.TEST_FUNCTIONS.resolve("probe")), 128, 30,
                Map.of(), Map.of());
        create.put("MemorySize", 128.7);
        assertRefused(node.create(create), "InvalidRequestContentException", "128.7");
        assertRefused(node.call("PUT", FUNCTIONS + "/keeper/configuration", "{\"MemorySize\": 256.5}"),
                "InvalidRequestContentException", "256.5");

        assertThat(functionNames()).containsExactly("keeper");
        assertThat(configuration("keeper")).isEqualTo(keeper);
    }

    @Test
    void leasesWithANegativeOrAbsurdTtlAreRefusedAndNoneIsHeld() {
        for (String body : List.of("{\"owner\":\"edge-a\",\"epoch\":1,\"ttlMs\":-1}",
                "{\"owner\":\"edge-a\",\"epoch\":1,\"ttlMs\":9223372036854775807}",
                "{\"owner\":\"edge-a\",\"epoch\":1,\"ttlMs\":\"soon\"}", "{\"owner\":\"edge-a\",\"epoch\":0,\"ttlMs\":6000}",
                "{\"epoch\":1,\"ttlMs\":6000}")) {
            assertRefused(node.call("PUT", "/torpor/v1/leases/keeper", body), INVALID_PARAMETER, "");
        }
        assertThat(node.call("GET", "/torpor/v1/leases/keeper", null).statusCode()).isEqualTo(404);
    }

    /** Lambda's pattern [a-zA-Z0-9-_]+ takes a name of digits alone; so does Torpor, or a function deployed there would not deploy here. */
    @Test
    void aNameOfDigitsAloneIsANameLambdaAccepts() {
        HttpResponse<String> created = node.createTestFunction("12345", "probe", 30, Map.of(), Map.of());

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(functionNames()).containsExactly("12345", "keeper");
    }

    /** A replica as a peer sends it: FunctionDefinition's own JSON, and the code. */
    private HttpResponse<String> putReplica(String name, int memoryMiB, int timeoutSeconds, Map<String, String> env) {
        ObjectNode replica = TestNode.JSON.createObjectNode();
        replica.putObject("definition").put("name", name).put("runtime", "provided.al2023").put("handler", "none")
                .put("description", "").put("memoryMiB", memoryMiB).put("timeoutSeconds", timeoutSeconds)
                .<ObjectNode>set("environment", TestNode.JSON.valueToTree(env)).<ObjectNode>set("tags", TestNode.JSON.createObjectNode())
                .put("reservedConcurrency", -1).put("codeSha256", "from-the-peer").put("codeSize", 1).put("revision", 1)
                .put("revisionId", "r").put("lastModified", "2026-12-01T00:00:00Z");
        replica.put("zip", Base64.getEncoder().encodeToString(TestNode.zipOf(TestNode.TEST_FUNCTIONS.resolve("probe"))));
        return node.call("PUT", "/torpor/v1/replicas/" + name, replica.toString());
    }

    private JsonNode configuration(String name) {
        HttpResponse<String> r = node.call("GET", FUNCTIONS + "/" + name + "/configuration", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestNode.json(r.body());
    }

    private List<String> functionNames() {
        HttpResponse<String> r = node.call("GET", FUNCTIONS, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestNode.json(r.body()).get("Functions").findValuesAsText("FunctionName");
    }

    private static void assertRefused(HttpResponse<String> r, String errorType, String message) {
        assertThat(r.statusCode()).as(r.uri() + ": " + r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("X-Amzn-ErrorType")).hasValue(errorType);
        assertThat(TestNode.json(r.body()).get("Message").asText()).contains(message);
    }
}
