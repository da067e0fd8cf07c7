package dev.torpor.function;

import java.util.LinkedHashMap;
import java.util.Map;

/** The environment Lambda gives a function's process; the platform's own variables win over the function's. */
public final class LambdaEnvironment {
    public static final String RUNTIME_API = "127.0.0.1:9001";

    private LambdaEnvironment() {}

    public static Map<String, String> of(FunctionDefinition fn, String region) {
        Map<String, String> env = new LinkedHashMap<>(fn.environment());
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("LANG", "C.UTF-8");
        env.put("TZ", ":UTC");
        env.put("HOME", "/tmp");
        env.put("AWS_LAMBDA_RUNTIME_API", RUNTIME_API);
        env.put("AWS_LAMBDA_FUNCTION_NAME", fn.name());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(fn.memoryMiB()));
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        env.put("_HANDLER", fn.handler() == null ? "" : fn.handler());
        env.put("LAMBDA_TASK_ROOT", "/var/task");
        env.put("LAMBDA_RUNTIME_DIR", "/var/runtime");
        return env;
    }
}
