package dev.torpor.function;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment Lambda gives a function's process, the variables its runtime clients read (AWS's Node and Java
 * clients refuse to start without the log group and stream); the platform's own variables win over the function's.
 */
public final class LambdaEnvironment {
    public static final String RUNTIME_API = "127.0.0.1:9001";
    private static final String VERSION = "$LATEST";
    private static final DateTimeFormatter STREAM_DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    private LambdaEnvironment() {}

    /** {@code instanceId} names the log stream, one per instance as Lambda has one per execution environment. */
    public static Map<String, String> of(FunctionDefinition fn, String region, String instanceId, Instant started) {
        Map<String, String> env = new LinkedHashMap<>(fn.environment());
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("LANG", "C.UTF-8");
        env.put("TZ", ":UTC");
        env.put("HOME", "/tmp");
        env.put("AWS_LAMBDA_RUNTIME_API", RUNTIME_API);
        env.put("AWS_LAMBDA_FUNCTION_NAME", fn.name());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", VERSION);
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(fn.memoryMiB()));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + fn.name());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", STREAM_DATE.format(started) + "/[" + VERSION + "]" + instanceId);
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_EXECUTION_ENV", LambdaRuntime.of(fn.runtime()).map(LambdaRuntime::executionEnv).orElse(""));
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        env.put("_HANDLER", fn.handler() == null ? "" : fn.handler());
        env.put("LAMBDA_TASK_ROOT", "/var/task");
        env.put("LAMBDA_RUNTIME_DIR", ManagedRuntimes.MOUNT);
        return env;
    }
}
