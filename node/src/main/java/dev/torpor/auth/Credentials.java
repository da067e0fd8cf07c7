package dev.torpor.auth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** An access key and its secret, as AWS tools keep them. */
public record Credentials(String accessKeyId, String secretAccessKey) {
    public Credentials {
        if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isBlank()) {
            throw new IllegalArgumentException("an access key needs both an id and a secret");
        }
    }

    /**
     * Where the AWS CLI and SDKs look, in their order: {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY},
     * else the profile {@code AWS_PROFILE} (or {@code default}) of the shared credentials file
     * ({@code AWS_SHARED_CREDENTIALS_FILE}, or {@code ~/.aws/credentials}); empty when none is set.
     */
    public static Optional<Credentials> fromEnvironment(Map<String, String> env) {
        String id = env.get("AWS_ACCESS_KEY_ID"), secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (id != null && !id.isBlank() && secret != null && !secret.isBlank()) return Optional.of(new Credentials(id, secret));
        Path file = Optional.ofNullable(env.get("AWS_SHARED_CREDENTIALS_FILE")).map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".aws", "credentials"));
        if (!Files.isReadable(file)) return Optional.empty();
        return Optional.ofNullable(CredentialsFile.read(file).profiles().get(env.getOrDefault("AWS_PROFILE", "default")));
    }

    @Override
    public String toString() {
        return "Credentials[" + accessKeyId + "]"; // never the secret, in logs or errors
    }
}
