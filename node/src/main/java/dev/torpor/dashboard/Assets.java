package dev.torpor.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The dashboard's files, served from the jar: its page, script and style, and the chart library the build vendored
 * into {@code vendor/} (src/main/dashboard/Makefile). Nothing is fetched from elsewhere at run time.
 */
public final class Assets {
    private static final String ROOT = "/dev/torpor/dashboard/";
    /** Plain names only: no "..", no leading slash, nothing outside the dashboard's own directory. */
    private static final Pattern NAME = Pattern.compile("(vendor/)?[A-Za-z0-9_-][A-Za-z0-9_.-]*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");

    /** One file: its bytes and content type. */
    public record Asset(byte[] bytes, String contentType) {}

    /** The file at {@code name} (relative to the dashboard, "" for its page); empty when there is none. */
    public Optional<Asset> find(String name) {
        String file = name.isEmpty() ? "index.html" : name;
        if (!NAME.matcher(file).matches()) return Optional.empty();
        String type = TYPES.get(file.substring(file.lastIndexOf('.') + 1));
        if (type == null) return Optional.empty();
        try (InputStream in = Assets.class.getResourceAsStream(ROOT + file)) {
            return in == null ? Optional.empty() : Optional.of(new Asset(in.readAllBytes(), type));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard's " + file + " from the jar", e);
        }
    }
}
