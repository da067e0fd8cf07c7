package dev.torpor.function;

/**
 * What a function answered. {@code functionError} is Lambda's {@code X-Amz-Function-Error}: null on success,
 * {@code Unhandled} when the runtime reported an error or the function died or timed out.
 */
public record InvocationResult(byte[] payload, String functionError) {
    public static final String UNHANDLED = "Unhandled";

    public static InvocationResult ok(byte[] payload) {
        return new InvocationResult(payload, null);
    }

    public static InvocationResult unhandled(byte[] payload) {
        return new InvocationResult(payload, UNHANDLED);
    }
}
