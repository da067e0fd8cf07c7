package dev.torpor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real AWS CLI v2, run with one key and none of the machine's AWS settings: what a client of a node runs. */
final class AwsCli {
    private static final Path AWS_CLI = Path.of("/usr/bin/aws"); // Debian's awscli; another `aws` may come first on PATH

    private AwsCli() {}

    record Result(int status, String output) {}

    /** {@code aws args…} signing with {@code key} and {@code secret}; {@code scratch} is a directory for empty settings. */
    static Result run(Path scratch, String key, String secret, List<String> args) throws Exception {
        assertThat(AWS_CLI).as("the AWS CLI v2 (Debian's awscli, installed by scripts/install.sh --test)").isExecutable();
        List<String> argv = new ArrayList<>(List.of(AWS_CLI.toString(), "--region", "us-east-1"));
        argv.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.putAll(new HashMap<>(Map.of("AWS_ACCESS_KEY_ID", key, "AWS_SECRET_ACCESS_KEY", secret, "AWS_PAGER", "",
                "AWS_CONFIG_FILE", scratch.resolve("no-config").toString(), "AWS_SHARED_CREDENTIALS_FILE", scratch.resolve("no-creds").toString(),
                "AWS_EC2_METADATA_DISABLED", "true", "AWS_MAX_ATTEMPTS", "1")));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Result(p.exitValue(), output);
    }
}
