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
        List<String> errors;
        try {
            errors = Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains("Error") || l.contains("error")).toList() : List.of();
        } catch (IOException e) {
            return List.of();
        }
        return errors.subList(Math.max(0, errors.size() - n), errors.size());
    }
}
