package dev.torpor.testing;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Prometheus text scrape, read as a user's query would: a series' value by its name and some of its labels. */
public record Scrape(String text) {
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /** The sum of the series named {@code name} whose labels include {@code labels}; 0 when there is none. */
    public double value(String name, Map<String, String> labels) {
        return Arrays.stream(text.split("\n"))
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> labelsOf(line).entrySet().containsAll(labels.entrySet()))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static Map<String, String> labelsOf(String line) {
        int open = line.indexOf('{');
        if (open < 0) return Map.of();
        Matcher m = LABEL.matcher(line.substring(open, line.lastIndexOf('}')));
        Map<String, String> labels = new HashMap<>();
        while (m.find()) labels.put(m.group(1), m.group(2));
        return labels;
    }
}
