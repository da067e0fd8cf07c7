package dev.torpor.runtime.oci;

import java.util.List;

/**
 * Ends a host command with everything it started. runc forks CRIU and CRIU forks the restored tasks; killing runc
 * alone leaves them running (the audit found a CRIU spinning for minutes after its runc was gone).
 */
final class ProcessTree {
    private static final int PASSES = 5;

    private ProcessTree() {}

    /**
     * Kills the descendants before the root, so they are still its descendants when looked up; a few passes catch
     * what was forked while the previous one ran.
     */
    static void kill(ProcessHandle root) {
        for (int pass = 0; pass < PASSES; pass++) {
            List<ProcessHandle> tree = root.descendants().toList();
            if (tree.isEmpty()) break;
            tree.forEach(ProcessHandle::destroyForcibly);
        }
        root.destroyForcibly();
    }
}
