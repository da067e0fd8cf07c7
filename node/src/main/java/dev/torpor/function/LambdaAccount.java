package dev.torpor.function;

/** The region and account a node answers as, so ARNs look like Lambda's to SDKs and tools. */
public record LambdaAccount(String region, String accountId) {
    public static final LambdaAccount DEFAULT = new LambdaAccount("us-east-1", "000000000000");

    public String functionArn(String functionName) {
        return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + functionName;
    }
}
