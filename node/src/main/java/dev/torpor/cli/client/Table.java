package dev.torpor.cli.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Plain text columns, as {@code ps} and {@code docker ps} print them: left-aligned, two spaces apart. */
public final class Table {
    private static final String GAP = "  ";
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... headers) {
        this.headers = List.of(headers);
    }

    public Table row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(headers.size() + " columns, but a row of " + cells.length + ": " + Arrays.toString(cells));
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "" : c.toString()).toList());
        return this;
    }

    /** The header line and one line per row, each ending in a newline; no trailing spaces. */
    public String render() {
        int[] widths = new int[headers.size()];
        for (List<String> line : lines()) {
            for (int i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], line.get(i).length());
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> line : lines()) {
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                l.append(line.get(i));
                if (i < widths.length - 1) l.append(" ".repeat(widths[i] - line.get(i).length())).append(GAP);
            }
            sb.append(l.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    private List<List<String>> lines() {
        List<List<String>> all = new ArrayList<>(rows.size() + 1);
        all.add(headers);
        all.addAll(rows);
        return all;
    }

    /** {@code text} cut to {@code max} characters, the cut marked with an ellipsis; newlines become spaces. */
    public static String truncate(String text, int max) {
        if (text == null) return "";
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1) + "…";
    }
}
