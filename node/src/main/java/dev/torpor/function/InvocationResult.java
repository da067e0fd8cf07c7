package dev.torpor.function;

/**
 * What a function answered. {@code functionError} is Lambda's {@code X-Amz-Function-Error}: null on success,
 * {@code Unhandled} when the runtime reported an error or the function died or timed out. {@code logTail} is the end
 * of what the function printed during the invocation when it was asked for, else null.
 */
public record InvocationResult(byte[] payload, String functionError, byte[] logTail) {
    public static final String UNHANDLED = "Unhandled";

    public static InvocationResult ok(byte[] payload) {
        return new InvocationResult(payload, null, null);
    }

    public static InvocationResult unhandled(byte[] payload) {
        return new InvocationResult(payload, UNHANDLED, null);
    }

    public InvocationResult withLogTail(byte[] tail) {
        return new InvocationResult(payload, functionError, tail);
    }
}
