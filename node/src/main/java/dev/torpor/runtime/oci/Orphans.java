package dev.torpor.runtime.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What a node killed mid-restore leaves of its runtime, beyond containers and namespaces: a {@code criu lazy-pages}
 * daemon still waiting for a page server that died with the node, and the {@code criu-root} bind mount runc makes in
 * a container's state directory for the length of a restore (unmounted by runc itself only if it lives to the end).
 * Both are found by this node's own paths, so another node's on the same host are left alone. Swept at start.
 */
final class Orphans {
    private static final System.Logger LOG = System.getLogger("torpor.runtime");
    private static final Path MOUNTS = Path.of("/proc/self/mountinfo");
    private static final Duration UMOUNT = Duration.ofSeconds(10);

    private Orphans() {}

    static void sweep(Path stateRoot, Path workRoot) {
        killLazyPagesDaemons(workRoot);
        unmountCriuRoots(stateRoot);
    }

    /** {@code criu lazy-pages} processes whose work directory is one of this node's containers'. */
    static void killLazyPagesDaemons(Path workRoot) {
        String under = workRoot.toAbsolutePath().normalize() + "/";
        ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> lazyPagesUnder(Arrays.asList(args), under)).orElse(false))
                .forEach(p -> {
                    LOG.log(System.Logger.Level.WARNING, "killing criu lazy-pages {0}, left by an earlier run of this node", p.pid());
                    ProcessTree.kill(p);
                });
    }

    static boolean lazyPagesUnder(List<String> args, String under) {
        int workDir = args.indexOf("--work-dir");
        return args.contains("lazy-pages") && workDir >= 0 && workDir + 1 < args.size() && args.get(workDir + 1).startsWith(under);
    }

    /** {@code <state root>/<container>/criu-root} mounts, detached (a process may still hold one open). */
    static void unmountCriuRoots(Path stateRoot) {
        String under = stateRoot.toAbsolutePath().normalize() + "/";
        unmount(mountPoints().stream().filter(m -> m.startsWith(under) && m.endsWith("/criu-root")).distinct().toList());
    }

    /**
     * Every mount at or under {@code dir}, deepest first, detached: what a restore killed half-way leaves in a
     * container's directories (CRIU's cgroup yard {@code .criu.cgyard.*}, runc's {@code criu-root}), which would
     * otherwise keep them from being deleted.
     */
    static void unmountUnder(Path dir) {
        String root = dir.toAbsolutePath().normalize().toString();
        unmount(mountPoints().stream().filter(m -> m.equals(root) || m.startsWith(root + "/")).distinct().toList());
    }

    private static List<String> mountPoints() {
        try {
            return Files.readAllLines(MOUNTS).stream().map(Orphans::mountPoint).toList();
        } catch (IOException e) {
            return List.of(); // no /proc here: nothing could have been mounted by runc or CRIU either
        }
    }

    private static void unmount(List<String> mountPoints) {
        for (String m : mountPoints.reversed()) {
            LOG.log(System.Logger.Level.WARNING, "unmounting {0}, left by a restore that did not end", m);
            ProcessRunner.runAllowingFailure(List.of("umount", "--lazy", m), UMOUNT);
        }
    }

    /** The fifth field of a mountinfo line, with the kernel's octal escapes (a space is \040) undone. */
    static String mountPoint(String mountinfoLine) {
        String field = mountinfoLine.split(" ")[4];
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            if (field.charAt(i) == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(field.charAt(i));
            }
        }
        return out.toString();
    }
}
