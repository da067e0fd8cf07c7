package dev.torpor.api;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

/** The official AWS SDK for Java v2 Lambda client, pointed at a Torpor node (or a fake) with dummy credentials. */
public final class SdkClients {
    private SdkClients() {}

    /** No retries, so a test sees each answer as it came; a long read timeout, for restores on a busy machine. */
    public static LambdaClient lambda(URI endpoint, Region region) {
        return lambda(endpoint, region, AwsRetryStrategy.doNotRetry());
    }

    public static LambdaClient lambda(URI endpoint, Region region, RetryStrategy retries) {
        return LambdaClient.builder()
                .endpointOverride(endpoint)
                .region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(2)).build())
                .overrideConfiguration(c -> c.retryStrategy(retries))
                .build();
    }
}
