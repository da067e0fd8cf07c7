package dev.torpor.function;

import java.util.List;
import java.util.Optional;

/**
 * A Lambda runtime identifier Torpor runs, and the language behind it. A custom runtime ({@code provided.*}) runs the
 * zip's own {@code bootstrap}; a managed one runs Torpor's runtime side for its language on the device's own
 * interpreter of at least {@code version} (Python's minor version, Node's and Java's major).
 */
public record LambdaRuntime(String id, Language language, int version) {
    public enum Language { CUSTOM, PYTHON, NODE, JAVA }

    public static final List<LambdaRuntime> ALL = List.of(
            new LambdaRuntime("provided.al2023", Language.CUSTOM, 0),
            new LambdaRuntime("provided.al2", Language.CUSTOM, 0),
            new LambdaRuntime("provided", Language.CUSTOM, 0),
            new LambdaRuntime("python3.9", Language.PYTHON, 9),
            new LambdaRuntime("python3.10", Language.PYTHON, 10),
            new LambdaRuntime("python3.11", Language.PYTHON, 11),
            new LambdaRuntime("python3.12", Language.PYTHON, 12),
            new LambdaRuntime("python3.13", Language.PYTHON, 13),
            new LambdaRuntime("nodejs18.x", Language.NODE, 18),
            new LambdaRuntime("nodejs20.x", Language.NODE, 20),
            new LambdaRuntime("nodejs22.x", Language.NODE, 22),
            new LambdaRuntime("java17", Language.JAVA, 17),
            new LambdaRuntime("java21", Language.JAVA, 21));

    public static Optional<LambdaRuntime> of(String id) {
        return ALL.stream().filter(r -> r.id.equals(id)).findFirst();
    }

    /** What Lambda puts in {@code AWS_EXECUTION_ENV}, which runtime clients read to name their platform. */
    public String executionEnv() {
        return "AWS_Lambda_" + id;
    }
}
