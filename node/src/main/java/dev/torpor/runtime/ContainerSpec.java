package dev.torpor.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One function container: what runs in it and what it may use. The code directory is mounted read-only at
 * {@code /var/task}, the node's runtime files for the function's language at {@code /var/runtime} (read-only too);
 * the channel directory, which holds the agent's unix socket, at {@code /run/torpor}. The root filesystem is the
 * runtime's own business.
 */
public record ContainerSpec(
        String id,
        Path codeDir,
        Path runtimeFilesDir,
        Path channelDir,
        List<String> args,
        Map<String, String> env,
        long memoryLimitBytes,
        Network network) {

    /** Loopback only, or an address on the node's bridge besides. */
    public enum Network { NONE, OUTBOUND }

    public static final String CODE_MOUNT = "/var/task";
    public static final String RUNTIME_FILES_MOUNT = "/var/runtime";
    public static final String CHANNEL_MOUNT = "/run/torpor";

    public ContainerSpec {
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }
}
