package dev.torpor.it;

import java.nio.charset.StandardCharsets;

/** A 10.X.N.0/24 for a test's own links: N chosen by the test's pid, the first that no interface of this host uses. */
final class FreeSubnet {
    private FreeSubnet() {}

    /** N such that {@code prefix + N + "."} (prefix "10.213.", say) starts no address on this host. */
    static int under(String prefix) throws Exception {
        Process p = new ProcessBuilder("ip", "-o", "-4", "addr", "show").redirectErrorStream(true).start();
        String used = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        int n = (int) (ProcessHandle.current().pid() % 254) + 1;
        for (int tries = 0; used.contains(" " + prefix + n + "."); tries++) {
            if (tries == 254) throw new AssertionError("every " + prefix + "N.0/24 is in use on this host");
            n = n % 254 + 1;
        }
        return n;
    }
}
