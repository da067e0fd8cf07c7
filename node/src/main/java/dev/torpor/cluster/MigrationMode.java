package dev.torpor.cluster;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.torpor.TorporException;
import java.util.Arrays;
import java.util.Optional;

/**
 * How a running instance moves. Stop-and-copy keeps it frozen until its whole image is on the target, and a copy
 * stays on the source until the target confirmed: safe whatever fails. Post-copy restores the target from the
 * eager pages only and lets it pull the rest while it runs: frozen briefly whatever its size, but until the last
 * page arrives, losing the source loses the instance unless a backup of it exists.
 */
public enum MigrationMode {
    STOP_AND_COPY("stop-and-copy"),
    POST_COPY("post-copy");

    private final String wire;

    MigrationMode(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** The mode asked for; empty (none asked) means the fastest both nodes support. */
    public static Optional<MigrationMode> parse(String text) {
        if (text == null || text.isBlank()) return Optional.empty();
        return Optional.of(Arrays.stream(values()).filter(m -> m.wire.equals(text)).findFirst()
                .orElseThrow(() -> TorporException.invalid("mode must be stop-and-copy or post-copy, not " + text)));
    }
}
