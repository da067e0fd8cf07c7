package dev.torpor.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Raw runc with CRIU behind it: the floor. The function is the HTTP server on the host network (so the harness
 * reaches it on 127.0.0.1), in a container with its own pid, ipc, uts and mount namespaces, the peers' root
 * filesystem read-only and the same memory limit as everywhere else.
 */
final class RuncSubject extends Subject {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path work;
    private final Path stateRoot;
    private final PeerRootfs rootfs;
    private final Map<Integer, Integer> limitsMiB;
    private final Ports ports;
    private final Map<Integer, Path> images = new HashMap<>();
    private int imageSeq;

    RuncSubject(Path work, PeerRootfs rootfs, Map<Integer, Integer> limitsMiB, Ports ports) throws IOException {
        this.work = Files.createDirectories(work.resolve("runc"));
        this.stateRoot = this.work.resolve("state");
        this.rootfs = rootfs;
        this.limitsMiB = limitsMiB;
        this.ports = ports;
    }

    @Override
    String name() {
        return Results.RUNC;
    }

    static String id(int sizeMb) {
        return "torpor-bench-runc-" + sizeMb;
    }

    private List<String> runc(String... words) {
        List<String> argv = new ArrayList<>(List.of("runc", "--root", stateRoot.toString()));
        argv.addAll(List.of(words));
        return argv;
    }

    @Override
    void deploy(int sizeMb) throws Exception {
        String id = id(sizeMb);
        Sh.run(runc("delete", "--force", id));
        bundle(id, sizeMb, ports.of(sizeMb));
        launch(runc("run", "--detach", "--bundle", bundleDir(id).toString(), id));
        counted(id, Answer.parse(EventClient.postWhenListening(ports.of(sizeMb), 30_000), 0));
    }

    @Override
    double pause(int sizeMb) {
        return Sh.ok(runc("pause", id(sizeMb))).ms();
    }

    @Override
    Answer wakeFromPause(int sizeMb) throws Exception {
        long t0 = System.nanoTime();
        Sh.ok(runc("resume", id(sizeMb)));
        String body = EventClient.post(ports.of(sizeMb));
        return counted(id(sizeMb), Answer.parse(body, Sh.ms(t0)));
    }

    @Override
    double checkpoint(int sizeMb) throws Exception {
        String id = id(sizeMb);
        Path img = work.resolve(id).resolve("image-" + (++imageSeq));
        Path criu = Files.createDirectories(work.resolve(id).resolve("criu-dump"));
        Files.createDirectories(img);
        images.put(sizeMb, img);
        return Sh.ok(runc("checkpoint", "--image-path", img.toString(), "--work-path", criu.toString(), "--tcp-established", id)).ms();
    }

    @Override
    Path imageDir(int sizeMb) {
        return images.get(sizeMb);
    }

    @Override
    Answer wakeFromCheckpoint(int sizeMb) throws Exception {
        String id = id(sizeMb);
        Path img = images.get(sizeMb);
        Path criu = Files.createDirectories(work.resolve(id).resolve("criu-restore"));
        long t0 = System.nanoTime();
        launch(runc("restore", "--detach", "--bundle", bundleDir(id).toString(), "--image-path", img.toString(),
                "--work-path", criu.toString(), "--tcp-established", id));
        String body = EventClient.post(ports.of(sizeMb));
        Answer a = counted(id, Answer.parse(body, Sh.ms(t0)));
        Sh.ok(List.of("rm", "-rf", img.toString()));
        return a;
    }

    @Override
    Answer coldStart(int sizeMb, int round) throws Exception {
        String id = id(sizeMb) + "-cold";
        int port = ports.coldOf(sizeMb);
        Sh.run(runc("delete", "--force", id));
        bundle(id, sizeMb, port);
        long t0 = System.nanoTime();
        try {
            launch(runc("run", "--detach", "--bundle", bundleDir(id).toString(), id));
            String body = EventClient.postWhenListening(port, 30_000);
            return Answer.parse(body, Sh.ms(t0)).checkedAgainst(1);
        } finally {
            Sh.run(runc("delete", "--force", id));
        }
    }

    @Override
    Cgroups.Memory memory(int sizeMb, String state) {
        return Cgroups.read(Cgroups.dir(cgroupPath(id(sizeMb))));
    }

    @Override
    public void close() {
        for (String id : Sh.run(runc("list", "-q")).out().split("\\s+")) {
            if (!id.isBlank()) Sh.run(runc("delete", "--force", id));
        }
    }

    private Path bundleDir(String id) {
        return work.resolve(id).resolve("bundle");
    }

    static String cgroupPath(String id) {
        return "/torpor-bench/" + id;
    }

    /**
     * Starts a detaching runc verb with its stdout and stderr on pipes (CRIU cannot dump a container writing to a
     * host file), drained in the background, and waits for runc itself to return.
     */
    private static void launch(List<String> argv) throws Exception {
        Process p = Sh.builder(argv).start();
        p.getOutputStream().close();
        StringBuilder err = new StringBuilder();
        Sh.discard(p.getInputStream());
        var errText = Sh.drain(p.getErrorStream());
        if (!p.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new BenchException(String.join(" ", argv) + " hung");
        }
        if (p.exitValue() != 0) {
            err.append(errText.getNow(""));
            throw new BenchException(String.join(" ", argv) + " failed with exit " + p.exitValue() + ": " + err);
        }
    }

    private void bundle(String id, int sizeMb, int port) throws IOException {
        Path dir = Files.createDirectories(bundleDir(id));
        long limit = (long) limitsMiB.get(sizeMb) << 20;
        List<String> caps = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
        Map<String, Object> process = map(
                "terminal", false, "user", map("uid", 0, "gid", 0),
                "args", List.of("python3", PeerRootfs.SERVER, Integer.toString(port)),
                "env", List.of("PATH=/usr/bin:/bin", "BALLAST_MB=" + sizeMb), "cwd", "/",
                "capabilities", map("bounding", caps, "effective", caps, "permitted", caps),
                "rlimits", List.of(map("type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024)),
                "noNewPrivileges", true);
        List<Object> mounts = List.of(
                map("destination", "/proc", "type", "proc", "source", "proc"),
                map("destination", "/dev", "type", "tmpfs", "source", "tmpfs", "options", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                map("destination", "/dev/pts", "type", "devpts", "source", "devpts",
                        "options", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")),
                map("destination", "/dev/shm", "type", "tmpfs", "source", "shm", "options", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
                map("destination", "/sys", "type", "sysfs", "source", "sysfs", "options", List.of("nosuid", "noexec", "nodev", "ro")),
                map("destination", "/tmp", "type", "tmpfs", "source", "tmpfs", "options", List.of("nosuid", "nodev", "mode=1777", "size=65536k")));
        Map<String, Object> linux = map(
                "namespaces", List.of(map("type", "pid"), map("type", "ipc"), map("type", "uts"), map("type", "mount")),
                "cgroupsPath", cgroupPath(id),
                "resources", map("memory", map("limit", limit, "swap", limit), "pids", map("limit", 512),
                        "devices", List.of(map("allow", false, "access", "rwm"))),
                "maskedPaths", List.of("/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"),
                "readonlyPaths", List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"));
        Map<String, Object> config = map("ociVersion", "1.0.2", "process", process,
                "root", map("path", rootfs.dir.toString(), "readonly", true), "hostname", "bench", "mounts", mounts, "linux", linux);
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
