package dev.torpor.runtime.oci;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cgroup directories runc makes as parents of a node's containers ({@code /torpor/<scope>} in every hierarchy
 * of cgroup v1, once in v2) outlive the containers: runc removes only each container's own. A node that stops
 * removes them, from the deepest up, where they are empty; a cgroup directory is removed by rmdir, which the kernel
 * refuses while it holds a task or a child, so one still in use stays.
 */
public final class CgroupDirs {
    private final Path root;

    CgroupDirs(Path root) {
        this.root = root;
    }

    public static CgroupDirs host() {
        return new CgroupDirs(Path.of("/sys/fs/cgroup"));
    }

    /** Removes {@code path} (as in config.json, e.g. {@code /torpor/ab12}) and its parents, where empty, in every hierarchy. */
    public void removeEmpty(String path) {
        String rel = path.startsWith("/") ? path.substring(1) : path;
        removeEmpty(root, rel);
        try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path h : hierarchies) removeEmpty(h, rel);
        } catch (IOException e) {
            // no cgroup file system here: nothing was made
        }
    }

    private static void removeEmpty(Path hierarchy, String rel) {
        for (Path p = Path.of(rel); p != null; p = p.getParent()) {
            try {
                Files.deleteIfExists(hierarchy.resolve(p));
            } catch (IOException e) {
                return; // in use, or a parent of others' cgroups: it stays, and so do its parents
            }
        }
    }
}
