package dev.torpor.api.lambda;

/**
 * Lambda's FunctionEventInvokeConfig: the body of PutFunctionEventInvokeConfig and UpdateFunctionEventInvokeConfig
 * (absent fields null) and the answer of all of them, {@code LastModified} in epoch seconds as Lambda sends it.
 */
@LambdaShape
public record FunctionEventInvokeConfig(Double lastModified, String functionArn, Integer maximumRetryAttempts,
                                        Integer maximumEventAgeInSeconds, DestinationConfig destinationConfig) {
    /** Where invocation records go; {@code {}} for a target without a destination, as Lambda answers. */
    @LambdaShape
    public record DestinationConfig(OnTarget onSuccess, OnTarget onFailure) {}

    @LambdaShape
    public record OnTarget(String destination) {}
}
