package dev.torpor.runtime;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The narrow seam between the node and the OCI runtime with CRIU behind it. Every method either does what it says
 * or throws {@link dev.torpor.TorporException} carrying the tool's exit status and stderr.
 */
public interface ContainerRuntime {

    /** Creates and starts a container; its stdout and stderr are copied to {@code output} until it ends. */
    void start(ContainerSpec spec, OutputStream output);

    /** Freezes every process of the container; memory stays resident. */
    void pause(String id);

    void resume(String id);

    /**
     * Dumps the container into {@code imageDir}, with a description of this node's CPU beside CRIU's files
     * ({@code cpuinfo.img}, as {@code criu cpuinfo dump} writes it). Unless {@code leaveRunning}, the container is
     * gone afterwards and its memory freed; on failure it keeps running as before.
     */
    void checkpoint(String id, Path imageDir, boolean leaveRunning);

    /** Recreates a container from an image written by {@link #checkpoint}; output as for {@link #start}. */
    void restore(ContainerSpec spec, Path imageDir, OutputStream output);

    /**
     * Like {@link #restore}, for an image whose lazy pages ({@code PE_LAZY}) are not in it: once the container runs,
     * CRIU's lazy-pages daemon pulls them from the CRIU page server at {@code pageServer}. Returns when the container
     * runs; the future completes when every page has arrived, or fails, and then the container is broken.
     */
    CompletableFuture<Void> restoreLazily(ContainerSpec spec, Path imageDir, OutputStream output, InetSocketAddress pageServer);

    /**
     * Why this node's CPU cannot run what was dumped into {@code imageDir} on the CPU its {@code cpuinfo.img}
     * describes ({@code criu cpuinfo check}), or empty when it has every feature that one had.
     */
    Optional<String> cpuRefusal(Path imageDir);

    default MigrationSupport migrationSupport() {
        return MigrationSupport.NONE;
    }

    /** Kills and removes the container and what was made for it; quiet when there is nothing to remove. */
    void remove(String id);

    Optional<ContainerStatus> status(String id);

    /** Ids of the containers this runtime knows, running or not: what a restarted node finds left behind. */
    List<String> list();

    /**
     * Waits for the runc and CRIU commands a previous run of the node started and never saw end (it was killed while
     * they ran: they outlive it), killing any still at work past a dump's deadline. What they left is then what a
     * restart finds: a container runc still holds, or one its dump took.
     */
    void awaitLeftoverCommands();

    /**
     * Whether the container's last dump ran to its end, after which runc removed it: CRIU said it finished, and runc no
     * longer knows the container. For a restart that finds a dump with no manifest, to tell a whole image from half of
     * one.
     */
    boolean dumpFinished(String id);

    /** The container's address on the node's bridge; empty for a container with loopback only. */
    default Optional<String> address(String id) {
        return Optional.empty();
    }

    /**
     * Gives back what the runtime keeps for containers, running or not, other than {@code held} (their network
     * addresses): what a node that was killed leaves, swept when it starts again.
     */
    default void keepOnly(Set<String> held) {}

    /** Memory charged to the container's cgroup, 0 when it has none. */
    long residentBytes(String id);

    RuntimeVersions versions();

    /** Lets go of what the runtime keeps ready for itself (a spare network namespace); containers are untouched. */
    default void release() {}
}
