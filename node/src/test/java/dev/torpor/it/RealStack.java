package dev.torpor.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Integration tests need root, runc and CRIU, which {@code ./torpor test} installs; elsewhere they skip, saying why. */
final class RealStack {
    private RealStack() {}

    static void assumeAvailable() {
        assumeTrue("root".equals(System.getProperty("user.name")), "integration tests run containers: they need root");
        assumeTrue(onPath("runc") && onPath("criu"), "runc and criu must be installed (./torpor install)");
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }
}
