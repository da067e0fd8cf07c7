package dev.torpor.function;

import dev.torpor.TorporException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** What to do with an instance that has been idle (blocked waiting for its next event) for {@code idle}. */
public record SuspendPolicy(Mode mode, Duration idle) {
    public static final String SUSPEND_TAG = "torpor:suspend";
    public static final String IDLE_MS_TAG = "torpor:idle-ms";
    public static final Duration DEFAULT_IDLE = Duration.ofSeconds(30);
    public static final SuspendPolicy DEFAULT = new SuspendPolicy(Mode.CHECKPOINT, DEFAULT_IDLE);

    public enum Mode {
        /** Keep running; never suspended, never evicted. */
        NONE,
        /** Freeze with the cgroup freezer: fast to wake, but the memory stays resident. */
        PAUSE,
        /** Dump with CRIU and free the memory. */
        CHECKPOINT;

        public String tagValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static SuspendPolicy fromTags(Map<String, String> tags) {
        Mode mode = DEFAULT.mode;
        Duration idle = DEFAULT.idle;
        String m = tags.get(SUSPEND_TAG);
        if (m != null) {
            try {
                mode = Mode.valueOf(m.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw TorporException.invalid("Tag " + SUSPEND_TAG + " must be none, pause or checkpoint, not '" + m + "'");
            }
        }
        String ms = tags.get(IDLE_MS_TAG);
        if (ms != null) {
            try {
                long v = Long.parseLong(ms.strip());
                if (v < 0) throw new NumberFormatException();
                idle = Duration.ofMillis(v);
            } catch (NumberFormatException e) {
                throw TorporException.invalid("Tag " + IDLE_MS_TAG + " must be a whole number of milliseconds ≥ 0, not '" + ms + "'");
            }
        }
        return new SuspendPolicy(mode, idle);
    }

    /** Tags equal to this policy, for storing it back on the function. */
    public Map<String, String> toTags() {
        return Map.of(SUSPEND_TAG, mode.tagValue(), IDLE_MS_TAG, Long.toString(idle.toMillis()));
    }
}
