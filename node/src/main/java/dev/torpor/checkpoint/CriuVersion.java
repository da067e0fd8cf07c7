package dev.torpor.checkpoint;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CRIU's version as {@code criu --version} prints it ("Version: 4.2.1"); newer CRIUs restore older images. */
record CriuVersion(int major, int minor, int patch) {
    private static final Pattern NUMBERS = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    static CriuVersion parse(String text) {
        Matcher m = NUMBERS.matcher(text == null ? "" : text);
        if (!m.find()) return new CriuVersion(0, 0, 0);
        return new CriuVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
    }

    boolean olderThan(CriuVersion other) {
        if (major != other.major) return major < other.major;
        if (minor != other.minor) return minor < other.minor;
        return patch < other.patch;
    }
}
