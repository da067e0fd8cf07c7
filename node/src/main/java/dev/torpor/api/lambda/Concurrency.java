package dev.torpor.api.lambda;

/** Lambda's {@code Concurrency} object, also the whole answer of PutFunctionConcurrency. */
@LambdaShape
public record Concurrency(int reservedConcurrentExecutions) {}
