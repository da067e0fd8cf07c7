package dev.torpor.node;

import dev.torpor.TorporException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as people write them on a command line: {@code 256MiB}, {@code 1GiB}, {@code 300M}, {@code 1048576}. */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]?)(I?B?)", Pattern.CASE_INSENSITIVE);

    private ByteSize() {}

    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) throw TorporException.invalid("not a size: '" + text + "' (try 256MiB or 1GiB)");
        String unit = m.group(2).toUpperCase(Locale.ROOT);
        int power = unit.isEmpty() ? 0 : "KMGT".indexOf(unit) + 1; // indexOf("") is 0: a bare number is bytes
        return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << (10 * power));
    }

    public static String format(long bytes) {
        if (bytes < 1024) return bytes + " B";
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        return String.format(Locale.ROOT, "%.1f %siB", bytes / (double) (1L << (10 * unit)), "KMGT".charAt(unit - 1));
    }
}
