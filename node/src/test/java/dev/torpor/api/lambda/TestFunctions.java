package dev.torpor.api.lambda;

import dev.torpor.function.FunctionDefinition;
import java.time.Instant;
import java.util.Map;

/** Function definitions for tests of the API shapes. */
public final class TestFunctions {
    public static final Instant LAST_MODIFIED = Instant.parse("2026-11-22T11:01:19.123456Z");

    private TestFunctions() {}

    public static FunctionDefinition hello(Map<String, String> environment, Map<String, String> tags, int reservedConcurrency) {
        return new FunctionDefinition("hello", "provided.al2023", "function.handler", "says hi", 256, 30, environment, tags,
                reservedConcurrency, "q83vEjRWeJq8", 1234, 2, "rev-2", LAST_MODIFIED);
    }

    public static FunctionDefinition named(String name) {
        return new FunctionDefinition(name, "provided", null, null, 128, 3, Map.of(), Map.of(), 0, "sha", 1, 1, "r",
                LAST_MODIFIED);
    }
}
