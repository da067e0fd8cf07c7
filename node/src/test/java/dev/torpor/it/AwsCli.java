package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real AWS CLI v2 (Debian's awscli, installed by scripts/install.sh --test) pointed at a node, with the given key
 * and none of the caller's own AWS settings; one attempt per call, so a test sees each answer as it came.
 */
record AwsCli(URI endpoint, Path dir, String key, String secret) {
    private static final Path BINARY = Path.of("/usr/bin/aws"); // Debian's awscli; another `aws` may come first on PATH

    record Result(int status, String output) {}

    Result run(String... args) throws Exception {
        assertThat(BINARY).as("the AWS CLI v2 (Debian's awscli, installed by scripts/install.sh --test)").isExecutable();
        List<String> argv = new ArrayList<>(List.of(BINARY.toString(), "--endpoint-url", endpoint.toString(), "--region", "us-east-1"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.putAll(Map.of("AWS_ACCESS_KEY_ID", key, "AWS_SECRET_ACCESS_KEY", secret, "AWS_PAGER", "",
                "AWS_CONFIG_FILE", dir.resolve("no-config").toString(), "AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-creds").toString(),
                "AWS_EC2_METADATA_DISABLED", "true", "AWS_MAX_ATTEMPTS", "1"));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Result(p.exitValue(), output);
    }
}
