package dev.torpor.function;

import java.nio.file.Path;
import java.util.List;

/**
 * What a function's container runs: its code (mounted at {@code /var/task}), Torpor's runtime side for its language
 * (mounted at {@code /var/runtime}) and the command, as the container sees them.
 */
public record Launch(Path codeDir, Path runtimeDir, List<String> command) {
    public Launch {
        command = List.copyOf(command);
    }
}
