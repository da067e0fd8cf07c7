package dev.torpor.runtime.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Who the relay and the function run as: the unprivileged {@link #UNPRIVILEGED} (uid 65532, distroless images'
 * "nonroot", no one on the host), or, where CRIU could not checkpoint that, uid 0 holding no capability at all.
 *
 * <p>CRIU reads each task's resource limits with {@code prlimit}, which the kernel allows only for a task of the
 * caller's own uid or with CAP_SYS_RESOURCE. Root on a device has it; a node that is itself in a container may not
 * (a test machine here: "Can't get rlimit 0: Operation not permitted", and no checkpoint).
 */
record FunctionUser(int uid, int gid) {
    static final FunctionUser UNPRIVILEGED = new FunctionUser(65532, 65532);
    static final FunctionUser ROOT_WITHOUT_CAPABILITIES = new FunctionUser(0, 0);
    private static final int CAP_SYS_RESOURCE = 24;
    private static final System.Logger LOG = System.getLogger("torpor.runtime");

    /** The user for this host, judged by the capabilities the node (and so CRIU) holds. */
    static FunctionUser forThisHost() {
        FunctionUser user = forCapabilities(Path.of("/proc/self/status"));
        if (user.equals(ROOT_WITHOUT_CAPABILITIES)) {
            LOG.log(System.Logger.Level.WARNING, "The node lacks CAP_SYS_RESOURCE, without which CRIU cannot checkpoint "
                    + "a function running as another user: functions run as uid 0, without capabilities");
        }
        return user;
    }

    /**
     * Gives the function's own files (its code, private to root like everything under the data dir) to this user, so
     * an unprivileged function can read them and still no one else can.
     */
    void own(Path dir) throws IOException {
        if (uid == 0) return;
        try (var all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isSymbolicLink(p)) continue;
                if (!Integer.valueOf(uid).equals(Files.getAttribute(p, "unix:uid"))) {
                    Files.setAttribute(p, "unix:uid", uid);
                    Files.setAttribute(p, "unix:gid", gid);
                }
            }
        }
    }

    static FunctionUser forCapabilities(Path procStatus) {
        return effectiveCapabilities(procStatus).filter(caps -> (caps >>> CAP_SYS_RESOURCE & 1) == 0)
                .map(caps -> ROOT_WITHOUT_CAPABILITIES).orElse(UNPRIVILEGED);
    }

    private static Optional<Long> effectiveCapabilities(Path procStatus) {
        try {
            return Files.readAllLines(procStatus).stream().filter(l -> l.startsWith("CapEff:"))
                    .map(l -> Long.parseUnsignedLong(l.substring("CapEff:".length()).strip(), 16)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
