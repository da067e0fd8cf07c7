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
 */
final class BundleWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String INIT_PATH = "/torpor/init";

    private BundleWriter() {}

    static void write(Path bundleDir, ContainerSpec spec, Rootfs rootfs, Path netnsPath, String cgroupPath, Path criuConfig)
            throws IOException {
        Files.createDirectories(bundleDir);
        Map<String, Object> config = config(spec, rootfs.dir(), rootfs.hostDirsToBind(), netnsPath, cgroupPath);
        if (criuConfig != null) config.put("annotations", map(CriuConfig.ANNOTATION, criuConfig.toString()));
        JSON.writeValue(bundleDir.resolve("config.json").toFile(), config);
    }

    static Map<String, Object> config(ContainerSpec spec, Path rootfs, List<Path> hostDirsToBind, Path netnsPath,
                                      String cgroupPath) {
        List<String> env = new ArrayList<>();
        spec.env().forEach((k, v) -> env.add(k + "=" + v));
        env.sort(null);

        List<String> args = new ArrayList<>(List.of(INIT_PATH, "-s", ContainerSpec.CHANNEL_MOUNT + "/agent.sock", "--"));
        args.addAll(spec.args());

        Map<String, Object> process = map(
                "terminal", false,
                "user", map("uid", 0, "gid", 0),
                "args", args,
                "env", env,
                "cwd", ContainerSpec.CODE_MOUNT,
                "capabilities", capabilities(List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE")),
                "rlimits", List.of(map("type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024)),
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
        mounts.add(bind(spec.channelDir().toString(), ContainerSpec.CHANNEL_MOUNT, false));

        Map<String, Object> linux = map(
                "namespaces", List.of(
                        map("type", "pid"), map("type", "ipc"), map("type", "uts"), map("type", "mount"),
                        map("type", "network", "path", netnsPath.toString())),
                "cgroupsPath", cgroupPath,
                "resources", map(
                        "memory", map("limit", spec.memoryLimitBytes(), "swap", spec.memoryLimitBytes()),
                        "pids", map("limit", 512),
                        "devices", List.of(map("allow", false, "access", "rwm"))),
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

    private static Map<String, Object> capabilities(List<String> caps) {
        return map("bounding", caps, "effective", caps, "permitted", caps);
    }

    /** An insertion-ordered map from alternating keys and values, so the JSON reads in the order written. */
    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
