package dev.torpor.runtime.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.torpor.runtime.ContainerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link ContainerSpec} into an OCI runtime {@code config.json}. Two choices here are what make checkpoints
 * restorable on this kind of host: the network namespace is one the node made (runc would restore its own empty,
 * with loopback down), and the host's symlinked top-level directories are symlinks inside the root filesystem,
 * never bind mounts (CRIU cannot move such mounts back).
 *
 * <p>The function is a stranger's code: the relay and the function run as the {@link FunctionUser} (unprivileged
 * where CRIU allows) with no capabilities at all, no new privileges, under {@link SeccompProfile}, with
 * runc's default masked and read-only {@code /proc} and {@code /sys} paths, and with limits on memory, processes,
 * open files and core dumps. No user namespace: CRIU here cannot restore one whose network namespace the node made
 * (see the README's security section).
 */
final class BundleWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String INIT_PATH = "/torpor/init";
    static final int PIDS_LIMIT = 512;
    private static final long ONE_VCPU_MIB = 1769;
    private static final long DEFAULT_CPU_SHARES = 1024;
    private static final long MIN_CPU_SHARES = 2;

    private BundleWriter() {}

    static void write(Path bundleDir, ContainerSpec spec, Rootfs rootfs, Path netnsPath, String cgroupPath, Path criuConfig)
            throws IOException {
        Files.createDirectories(bundleDir);
        Map<String, Object> config = config(spec, rootfs.dir(), rootfs.hostDirsToBind(), rootfs.user(), netnsPath, cgroupPath);
        if (criuConfig != null) config.put("annotations", map(CriuConfig.ANNOTATION, criuConfig.toString()));
        JSON.writeValue(bundleDir.resolve("config.json").toFile(), config);
    }

    static Map<String, Object> config(ContainerSpec spec, Path rootfs, List<Path> hostDirsToBind, FunctionUser user,
                                      Path netnsPath, String cgroupPath) {
        List<String> env = new ArrayList<>();
        spec.env().forEach((k, v) -> env.add(k + "=" + v));
        env.sort(null);

        List<String> args = new ArrayList<>(List.of(INIT_PATH, "-s", ContainerSpec.CHANNEL_MOUNT + "/agent.sock", "--"));
        args.addAll(spec.args());

        // The relay binds an unprivileged port and signals only its own child: it needs no capability either.
        // No RLIMIT_NPROC: it counts a uid's processes host-wide, and every function shares the uid, so one function
        // could starve the others; the pids limit of each container's own cgroup bounds it instead.
        Map<String, Object> process = map(
                "terminal", false,
                "user", map("uid", user.uid(), "gid", user.gid()),
                "args", args,
                "env", env,
                "cwd", ContainerSpec.CODE_MOUNT,
                "capabilities", map("bounding", List.of(), "effective", List.of(), "inheritable", List.of(),
                        "permitted", List.of(), "ambient", List.of()),
                "rlimits", List.of(
                        map("type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024),
                        map("type", "RLIMIT_CORE", "hard", 0, "soft", 0)),
                "noNewPrivileges", true);

        List<Map<String, Object>> mounts = new ArrayList<>(List.of(
                map("destination", "/proc", "type", "proc", "source", "proc"),
                map("destination", "/dev", "type", "tmpfs", "source", "tmpfs",
                        "options", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                map("destination", "/dev/pts", "type", "devpts", "source", "devpts",
                        "options", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")),
                map("destination", "/dev/shm", "type", "tmpfs", "source", "shm",
                        "options", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
                map("destination", "/dev/mqueue", "type", "mqueue", "source", "mqueue",
                        "options", List.of("nosuid", "noexec", "nodev")),
                map("destination", "/sys", "type", "sysfs", "source", "sysfs",
                        "options", List.of("nosuid", "noexec", "nodev", "ro")),
                map("destination", "/tmp", "type", "tmpfs", "source", "tmpfs",
                        "options", List.of("nosuid", "nodev", "mode=1777", "size=65536k"))));
        for (Path dir : hostDirsToBind) {
            mounts.add(bind(dir.toString(), dir.toString(), true));
        }
        mounts.add(bind(spec.codeDir().toString(), ContainerSpec.CODE_MOUNT, true));
        mounts.add(bind(spec.runtimeFilesDir().toString(), ContainerSpec.RUNTIME_FILES_MOUNT, true));
        mounts.add(bind(spec.channelDir().toString(), ContainerSpec.CHANNEL_MOUNT, false));

        Map<String, Object> linux = map(
                "namespaces", List.of(
                        map("type", "pid"), map("type", "ipc"), map("type", "uts"), map("type", "mount"),
                        map("type", "network", "path", netnsPath.toString())),
                "cgroupsPath", cgroupPath,
                "resources", map(
                        "memory", map("limit", spec.memoryLimitBytes(), "swap", spec.memoryLimitBytes()),
                        "pids", map("limit", PIDS_LIMIT),
                        "cpu", map("shares", cpuShares(spec.memoryLimitBytes())),
                        "devices", List.of(map("allow", false, "access", "rwm"))),
                "seccomp", SeccompProfile.forArchitecture(System.getProperty("os.arch")),
                "maskedPaths", List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"),
                "readonlyPaths", List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"));

        return map(
                "ociVersion", "1.0.2",
                "process", process,
                "root", map("path", rootfs.toString(), "readonly", true),
                "hostname", "torpor",
                "mounts", mounts,
                "linux", linux);
    }

    private static Map<String, Object> bind(String source, String destination, boolean readOnly) {
        return map("destination", destination, "type", "bind", "source", source,
                "options", List.of("rbind", readOnly ? "ro" : "rw", "nosuid", "nodev"));
    }

    /**
     * CPU in proportion to memory, as Lambda gives it (one vCPU at 1769 MiB), as a weight against the other
     * functions and the node: only under contention, so a small function idle most of the time still starts fast.
     */
    static long cpuShares(long memoryBytes) {
        return Math.max(MIN_CPU_SHARES, (memoryBytes >> 20) * DEFAULT_CPU_SHARES / ONE_VCPU_MIB);
    }

    /** An insertion-ordered map from alternating keys and values, so the JSON reads in the order written. */
    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
