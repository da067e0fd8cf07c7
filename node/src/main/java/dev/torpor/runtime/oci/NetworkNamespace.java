package dev.torpor.runtime.oci;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The network namespaces a node makes for its containers, with loopback up. runc treats a namespace it did not
 * create as external: it neither dumps nor restores its contents, so the node makes it again before a restore.
 * Names carry the node's scope, so two nodes on one host (a migration's source and target) never share one.
 */
final class NetworkNamespace {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Path NETNS_DIR = Path.of("/var/run/netns");

    private final String scope;

    NetworkNamespace(String scope) {
        this.scope = scope;
    }

    String name(String containerId) {
        return "torpor-" + scope + "-" + containerId;
    }

    Path path(String containerId) {
        return NETNS_DIR.resolve(name(containerId));
    }

    /** Makes the namespace with loopback up, first removing one left by an earlier life of the same container. */
    Path create(String containerId) {
        remove(containerId);
        String name = name(containerId);
        ProcessRunner.run(List.of("ip", "netns", "add", name), TIMEOUT);
        ProcessRunner.run(List.of("ip", "-n", name, "link", "set", "lo", "up"), TIMEOUT);
        return path(containerId);
    }

    void remove(String containerId) {
        if (Files.exists(path(containerId))) {
            ProcessRunner.runAllowingFailure(List.of("ip", "netns", "delete", name(containerId)), TIMEOUT);
        }
    }
}
