package dev.torpor.function;

import dev.torpor.TorporException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Where and how often a function's instances are backed up: tags {@code torpor:backup} (a peer's id) and its interval. */
public record BackupPolicy(String peer, Duration interval) {
    public static final String PEER_TAG = "torpor:backup";
    public static final String INTERVAL_MS_TAG = "torpor:backup-interval-ms";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** Each backup is a CRIU dump: more often than this would keep the function frozen much of the time. */
    public static final long MIN_INTERVAL_MS = 200;

    /** The function's policy; none for a function whose tags were stored before they were checked. */
    public static Optional<BackupPolicy> of(FunctionDefinition fn) {
        try {
            return fromTags(fn.tags());
        } catch (TorporException e) {
            return Optional.empty();
        }
    }

    /** The policy the tags ask for; empty when they ask for none. */
    public static Optional<BackupPolicy> fromTags(Map<String, String> tags) {
        String peer = tags.get(PEER_TAG);
        String ms = tags.get(INTERVAL_MS_TAG);
        if (peer == null || peer.isBlank()) {
            if (ms != null) throw TorporException.invalid("Tag " + INTERVAL_MS_TAG + " needs " + PEER_TAG + " (the backup node)");
            return Optional.empty();
        }
        Duration interval = DEFAULT_INTERVAL;
        if (ms != null) {
            try {
                long v = Long.parseLong(ms.strip());
                if (v < MIN_INTERVAL_MS) throw new NumberFormatException();
                interval = Duration.ofMillis(v);
            } catch (NumberFormatException e) {
                throw TorporException.invalid("Tag " + INTERVAL_MS_TAG + " must be a whole number of milliseconds ≥ "
                        + MIN_INTERVAL_MS + ", not '" + ms + "'");
            }
        }
        return Optional.of(new BackupPolicy(peer.strip(), interval));
    }
}
