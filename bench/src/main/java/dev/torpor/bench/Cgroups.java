package dev.torpor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads a function's memory from its cgroup (v1 memory controller, or v2's unified hierarchy). */
final class Cgroups {
    static final Path ROOT = Path.of("/sys/fs/cgroup");

    record Memory(long usageBytes, long rssBytes, boolean exists) {
        static final Memory GONE = new Memory(0, 0, false);
    }

    private Cgroups() {}

    static boolean v2() {
        return Files.exists(ROOT.resolve("cgroup.controllers"));
    }

    /** The directory of a process's memory cgroup, from /proc/PID/cgroup. */
    static Optional<Path> ofPid(int pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "cgroup"))) {
                String[] f = line.split(":", 3);
                if (f.length < 3) continue;
                if (!v2() && java.util.Arrays.asList(f[1].split(",")).contains("memory")) return Optional.of(dir(f[2]));
                if (v2() && f[0].equals("0")) return Optional.of(dir(f[2]));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The directory of a cgroup path as written in an OCI config ({@code cgroupsPath}). */
    static Path dir(String cgroupPath) {
        String rel = cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath;
        return v2() ? ROOT.resolve(rel) : ROOT.resolve("memory").resolve(rel);
    }

    static Memory read(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) return Memory.GONE;
        try {
            long usage = Long.parseLong(Files.readString(dir.resolve(v2() ? "memory.current" : "memory.usage_in_bytes")).strip());
            long rss = 0;
            for (String line : Files.readAllLines(dir.resolve("memory.stat"))) {
                String[] kv = line.split(" ");
                if (kv.length == 2 && kv[0].equals(v2() ? "anon" : "total_rss")) rss = Long.parseLong(kv[1]);
            }
            return new Memory(usage, rss, true);
        } catch (IOException | NumberFormatException e) {
            return Memory.GONE; // removed while we read
        }
    }
}
