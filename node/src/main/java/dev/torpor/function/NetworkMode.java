package dev.torpor.function;

import dev.torpor.TorporException;
import java.util.Locale;
import java.util.Map;

/**
 * What network a function's container has: tag {@code torpor:network}. {@code none} by default: an edge device sits
 * in its owner's network, so a function reaches beyond its container only when it was deployed to.
 */
public enum NetworkMode {
    /** Loopback only: the function talks to nothing but the node's relay inside its container. */
    NONE,
    /** An address on the node's bridge, with outbound connections masqueraded behind the node's own address. */
    OUTBOUND;

    public static final String TAG = "torpor:network";
    public static final NetworkMode DEFAULT = NONE;

    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NetworkMode fromTags(Map<String, String> tags) {
        String v = tags.get(TAG);
        if (v == null) return DEFAULT;
        try {
            return valueOf(v.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw TorporException.invalid("Tag " + TAG + " must be none or outbound, not '" + v + "'");
        }
    }
}
