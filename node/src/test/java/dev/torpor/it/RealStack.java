package dev.torpor.it;

import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Integration tests need root, runc, CRIU and iproute2, which {@code ./torpor test} installs. Where any is missing
 * they fail, saying what is missing, so a green build has run them; they are skipped only when the caller asks,
 * with {@code -Dtorpor.realStack=skip} or the environment variable {@code TORPOR_SKIP_REAL_STACK=1}.
 */
final class RealStack {
    static final String SKIP_PROPERTY = "torpor.realStack";
    static final String SKIP_VARIABLE = "TORPOR_SKIP_REAL_STACK";
    /** What the node runs (runc, criu, ip for its network namespaces) and what PartitionIT starts nodes with. */
    private static final List<String> TOOLS = List.of("runc", "criu", "ip", "nsenter");

    private RealStack() {}

    /** Returns if the real stack is here; aborts the test if the caller asked to skip it; else fails, saying why. */
    static void require() {
        if (skipAsked()) abort("real-stack tests skipped as asked (" + SKIP_PROPERTY + "=skip or " + SKIP_VARIABLE + "=1)");
        List<String> missing = missing();
        if (!missing.isEmpty()) {
            throw new AssertionError("the real-stack tests cannot run here, missing: " + String.join(", ", missing)
                    + ". Run them as root after ./torpor install (./torpor test does both), or skip them on purpose with -D"
                    + SKIP_PROPERTY + "=skip or " + SKIP_VARIABLE + "=1");
        }
    }

    private static boolean skipAsked() {
        return "skip".equals(System.getProperty(SKIP_PROPERTY)) || "1".equals(System.getenv(SKIP_VARIABLE));
    }

    private static List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) missing.add("root (they run containers)");
        for (String tool : TOOLS) {
            if (!onPath(tool)) missing.add(tool + " on the PATH");
        }
        return missing;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }
}
