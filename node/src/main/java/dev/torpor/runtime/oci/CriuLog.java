package dev.torpor.runtime.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where CRIU says why it failed: the error lines at the end of its log. */
final class CriuLog {
    private CriuLog() {}

    /** The last {@code n} error lines of {@code log}; none when there is no log (the exit status is all there is). */
    static List<String> lastErrors(Path log, int n) {
        try {
            return Files.exists(log) ? lastErrors(Files.readAllLines(log), n) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The last {@code n} error lines of what CRIU printed. */
    static List<String> lastErrors(List<String> lines, int n) {
        List<String> errors = lines.stream().filter(l -> l.contains("Error") || l.contains("error")).toList();
        return errors.subList(Math.max(0, errors.size() - n), errors.size());
    }
}
