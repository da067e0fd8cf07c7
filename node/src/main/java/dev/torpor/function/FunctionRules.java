package dev.torpor.function;

import dev.torpor.TorporException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Lambda's rules for what a function may be, worded as AWS words them: the one check of every definition the node
 * stores, whether it came from CreateFunction, UpdateFunctionConfiguration or another node, so what runs here would
 * deploy on Lambda too.
 */
public final class FunctionRules {
    public static final List<String> RUNTIMES = LambdaRuntime.ALL.stream().map(LambdaRuntime::id).toList();
    /** Lambda's own rule, which refuses one-letter names too. */
    private static final Pattern ENV_KEY = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]+");
    private static final int ENV_MAX_BYTES = 4096;
    /** Set by the platform for the runtime; a function overriding them would break its own Runtime API loop. */
    private static final Set<String> RESERVED_ENV = Set.of(
            "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR");
    private static final Pattern HANDLER = Pattern.compile("[^\\s]{1,128}");
    private static final int MAX_DESCRIPTION = 256;
    private static final int MAX_TAGS = 50;
    /** Tags in Torpor's own namespace that it reads; any other {@code torpor:} tag is a typo to refuse, not ignore. */
    private static final String TORPOR_TAG_PREFIX = "torpor:";
    private static final Set<String> TORPOR_TAGS = Collections.unmodifiableSortedSet(new TreeSet<>(java.util.stream.Stream.concat(
            Set.of(SuspendPolicy.SUSPEND_TAG, SuspendPolicy.IDLE_MS_TAG, BackupPolicy.PEER_TAG, BackupPolicy.INTERVAL_MS_TAG,
                    NetworkMode.TAG).stream(), TriggerTags.ALL.stream()).toList()));

    private FunctionRules() {}

    /**
     * {@code fn} unchanged if Lambda would store it; the code facts (hash, size, revision) are the node's own and
     * not checked here.
     *
     * @throws TorporException INVALID_PARAMETER naming the first value that breaks a rule
     */
    public static FunctionDefinition validated(FunctionDefinition fn) {
        FunctionNames.requireValid(fn.name());
        runtime(fn.runtime());
        if (fn.handler() != null && !HANDLER.matcher(fn.handler()).matches()) {
            throw violation("handler", fn.handler(), "satisfy regular expression pattern: " + HANDLER.pattern());
        }
        if (fn.description() != null && fn.description().length() > MAX_DESCRIPTION) {
            throw violation("description", fn.description(), "have length less than or equal to " + MAX_DESCRIPTION);
        }
        memorySize(fn.memoryMiB());
        timeout(fn.timeoutSeconds());
        environment(fn.environment());
        tags(fn.tags());
        range("reservedConcurrentExecutions", fn.reservedConcurrency(), FunctionDefinition.UNRESERVED, Integer.MAX_VALUE);
        return fn;
    }

    public static TorporException violation(String field, Object value, String constraint) {
        return TorporException.invalid("1 validation error detected: Value '" + value + "' at '" + field
                + "' failed to satisfy constraint: Member must " + constraint);
    }

    public static int range(String field, int value, int min, int max) {
        if (value < min) throw violation(field, value, "have value greater than or equal to " + min);
        if (value > max) throw violation(field, value, "have value less than or equal to " + max);
        return value;
    }

    public static int timeout(int seconds) {
        return range("timeout", seconds, 1, 900);
    }

    public static int memorySize(int mib) {
        return range("memorySize", mib, 128, 10240);
    }

    public static String runtime(String runtime) {
        if (LambdaRuntime.of(runtime).isEmpty()) throw unsupportedRuntime(runtime);
        return runtime;
    }

    static TorporException unsupportedRuntime(String runtime) {
        return TorporException.invalid("Runtime " + runtime + " is not supported: Torpor runs " + String.join(", ", RUNTIMES));
    }

    public static Map<String, String> environment(Map<String, String> variables) {
        Set<String> reserved = new TreeSet<>();
        int bytes = 0;
        for (var e : variables.entrySet()) {
            if (RESERVED_ENV.contains(e.getKey())) {
                reserved.add(e.getKey());
            } else if (!ENV_KEY.matcher(e.getKey()).matches()) {
                throw TorporException.invalid("Environment variable name '" + e.getKey() + "' must match " + ENV_KEY.pattern());
            }
            bytes += (e.getKey() + e.getValue()).getBytes(StandardCharsets.UTF_8).length;
        }
        if (!reserved.isEmpty()) {
            throw TorporException.invalid("Lambda was unable to configure your environment variables because the "
                    + "environment variables you have provided contains reserved keys that are currently not supported "
                    + "for modification. Reserved keys used in this request: " + String.join(", ", reserved));
        }
        if (bytes > ENV_MAX_BYTES) {
            throw TorporException.invalid("Lambda was unable to configure your environment variables because the "
                    + "environment variables you have provided exceeded the 4KB limit.");
        }
        return variables;
    }

    /** Lambda's limits on tags, and Torpor's policies read from them. */
    public static Map<String, String> tags(Map<String, String> tags) {
        if (tags.size() > MAX_TAGS) throw TorporException.invalid("A function can have at most " + MAX_TAGS + " tags, not " + tags.size());
        for (var t : tags.entrySet()) {
            if (t.getKey().isEmpty() || t.getKey().length() > 128) {
                throw violation("tags", t.getKey(), "have a key of length 1..128");
            }
            if (t.getValue().length() > 256) throw violation("tags", t.getValue(), "have a value of length 0..256");
            if (t.getKey().startsWith(TORPOR_TAG_PREFIX) && !TORPOR_TAGS.contains(t.getKey())) {
                throw TorporException.invalid("Tag " + t.getKey() + " is not one Torpor knows: its tags are "
                        + String.join(", ", TORPOR_TAGS));
            }
        }
        SuspendPolicy.fromTags(tags);
        BackupPolicy.fromTags(tags);
        NetworkMode.fromTags(tags);
        return tags;
    }
}
