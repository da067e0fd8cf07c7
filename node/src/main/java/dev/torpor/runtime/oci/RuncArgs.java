package dev.torpor.runtime.oci;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * runc command lines, one pure function per verb, so the flags that make checkpoints work here are written down
 * once and unit-tested.
 */
final class RuncArgs {
    private final String runc;
    private final Path stateRoot;

    RuncArgs(String runc, Path stateRoot) {
        this.runc = runc;
        this.stateRoot = stateRoot;
    }

    private List<String> verb(Path log, String... words) {
        List<String> argv = new ArrayList<>(List.of(runc, "--root", stateRoot.toString()));
        if (log != null) argv.addAll(List.of("--log", log.toString(), "--log-format", "json"));
        argv.addAll(List.of(words));
        return argv;
    }

    List<String> run(String id, Path bundle, Path log) {
        return verb(log, "run", "--detach", "--bundle", bundle.toString(), id);
    }

    /**
     * {@code --tcp-established}: the function's pending request to the relay is a loopback connection inside the
     * container; both ends are dumped, so it restores anywhere.
     */
    List<String> checkpoint(String id, Path imageDir, Path workDir, boolean leaveRunning, Path log) {
        List<String> argv = verb(log, "checkpoint", "--image-path", imageDir.toString(), "--work-path", workDir.toString(),
                "--tcp-established");
        if (leaveRunning) argv.add("--leave-running");
        argv.add(id);
        return argv;
    }

    /** With {@code lazyPages}, CRIU leaves the image's lazy pages to the lazy-pages daemon listening in {@code workDir}. */
    List<String> restore(String id, Path bundle, Path imageDir, Path workDir, Path log, boolean lazyPages) {
        List<String> argv = verb(log, "restore", "--detach", "--bundle", bundle.toString(), "--image-path", imageDir.toString(),
                "--work-path", workDir.toString(), "--tcp-established");
        if (lazyPages) argv.add("--lazy-pages");
        argv.add(id);
        return argv;
    }

    List<String> pause(String id) {
        return verb(null, "pause", id);
    }

    List<String> resume(String id) {
        return verb(null, "resume", id);
    }

    List<String> deleteForce(String id) {
        return verb(null, "delete", "--force", id);
    }

    List<String> state(String id) {
        return verb(null, "state", id);
    }

    List<String> list() {
        return verb(null, "list", "--format", "json");
    }

    List<String> version() {
        return List.of(runc, "--version");
    }
}
