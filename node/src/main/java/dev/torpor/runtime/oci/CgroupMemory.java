package dev.torpor.runtime.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the memory charged to a container's cgroup, under cgroup v1 or v2. */
final class CgroupMemory {
    private final Path root;

    CgroupMemory(Path root) {
        this.root = root;
    }

    static CgroupMemory host() {
        return new CgroupMemory(Path.of("/sys/fs/cgroup"));
    }

    /** The cgroup path relative to the hierarchy, as written in config.json. */
    long usageBytes(String cgroupPath) {
        String rel = cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath;
        for (Path file : new Path[] {
                root.resolve("memory").resolve(rel).resolve("memory.usage_in_bytes"),
                root.resolve(rel).resolve("memory.current")}) {
            try {
                return Long.parseLong(Files.readString(file).strip());
            } catch (IOException | NumberFormatException e) {
                // not this hierarchy, or the cgroup is gone: try the next, then report none
            }
        }
        return 0;
    }
}
