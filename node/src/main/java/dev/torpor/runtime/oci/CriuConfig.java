package dev.torpor.runtime.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * CRIU options runc has no flag for, in a configuration file that runc hands to CRIU for the containers whose
 * config names it (annotation {@link #ANNOTATION}).
 *
 * <p>{@code network-lock nftables}: the function's pending request to the relay is an established loopback TCP
 * connection, and the node's network namespace is external to CRIU, so CRIU locks and unlocks each such connection
 * with firewall rules. With the default method every lock and unlock forks {@code iptables-restore}: profiled
 * here, the unlock alone held a 25 MB function's restore for 62 ms of CRIU's 234 ms. nftables does the same in
 * CRIU's own process (20 ms). Used only where {@code criu check --feature nftables} passes.
 */
final class CriuConfig {
    static final String ANNOTATION = "org.criu.config";
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

    private CriuConfig() {}

    /** Writes {@code dir/criu.conf} for this host and returns its path. */
    static Path prepare(Path dir) throws IOException {
        boolean nftables = ProcessRunner.runAllowingFailure(List.of("criu", "check", "--feature", "nftables"), CHECK_TIMEOUT)
                .exitStatus() == 0;
        String content = nftables ? "network-lock nftables\n" : "";
        Path file = dir.resolve("criu.conf");
        Files.createDirectories(dir);
        if (Files.exists(file) && Files.readString(file).equals(content)) return file;
        Path tmp = Files.createTempFile(dir, "criu", ".conf.tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }
}
