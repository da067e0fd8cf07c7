package dev.torpor.api.lambda;

import dev.torpor.TorporException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Lambda's {@code Environment} object, in requests and in FunctionConfiguration alike. */
@LambdaShape
public record Environment(Map<String, String> variables) {
    /** Lambda's own rule, which refuses one-letter names too: what runs here must deploy there. */
    private static final Pattern KEY = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]+");
    private static final int MAX_BYTES = 4096;
    /** Set by the platform for the runtime; a function overriding them would break its own Runtime API loop. */
    private static final Set<String> RESERVED = Set.of(
            "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR");

    public Environment {
        variables = variables == null ? Map.of() : Map.copyOf(variables);
    }

    Environment validated() {
        Set<String> reserved = new TreeSet<>();
        int bytes = 0;
        for (var e : variables.entrySet()) {
            if (RESERVED.contains(e.getKey())) {
                reserved.add(e.getKey());
            } else if (!KEY.matcher(e.getKey()).matches()) {
                throw TorporException.invalid("Environment variable name '" + e.getKey() + "' must match " + KEY.pattern());
            }
            bytes += (e.getKey() + e.getValue()).getBytes(StandardCharsets.UTF_8).length;
        }
        if (!reserved.isEmpty()) {
            throw TorporException.invalid("Lambda was unable to configure your environment variables because the "
                    + "environment variables you have provided contains reserved keys that are currently not supported "
                    + "for modification. Reserved keys used in this request: " + String.join(", ", reserved));
        }
        if (bytes > MAX_BYTES) {
            throw TorporException.invalid("Lambda was unable to configure your environment variables because the "
                    + "environment variables you have provided exceeded the 4KB limit.");
        }
        return this;
    }
}
