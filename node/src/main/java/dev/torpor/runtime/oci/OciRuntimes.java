package dev.torpor.runtime.oci;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.runtime.ContainerRuntime;
import dev.torpor.runtime.cni.BridgeNetwork;
import java.io.IOException;
import java.nio.file.Path;

/** Makes the node's container runtime; the only public door into this package. */
public final class OciRuntimes {
    private OciRuntimes() {}

    /**
     * runc keeping its state under {@code dir/state}, this node's files under {@code dir/containers} and its CPU's
     * description in {@code dir/cpu}, with the shared read-only root filesystem in {@code dir/rootfs}. Several nodes on
     * one host each get their own {@code dir}, and names (network namespaces, cgroups) scoped by a hash of it, stable
     * across restarts.
     */
    public static ContainerRuntime runc(String runcBinary, Path dir) {
        try {
            Rootfs rootfs = Rootfs.prepare(dir.resolve("rootfs"), Path.of("/"), FunctionUser.forThisHost());
            Path criuConfig = CriuConfig.prepare(dir);
            Orphans.sweep(dir.resolve("state"), dir.resolve("containers")); // an earlier run's, killed mid-restore
            return new RuncRuntime(runcBinary, dir.resolve("state"), dir.resolve("containers"), rootfs, criuConfig, CgroupMemory.host(),
                    scopeOf(dir), new CpuInfo(dir.resolve("cpu")), BridgeNetwork.onHost(scopeOf(dir), dir.resolve("network")));
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot prepare the container root filesystem in " + dir, e);
        }
    }

    /** The scope of a runtime made on {@code dir}: the tag in its network namespaces' and cgroups' names. */
    public static String scopeOf(Path dir) {
        return String.format("%08x", dir.toAbsolutePath().normalize().toString().hashCode());
    }
}
