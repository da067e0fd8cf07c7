package dev.torpor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the run happened on: the machine and the versions of everything measured. */
final class MachineInfo {
    private MachineInfo() {}

    static Results.Machine machine(Path work) {
        String cpu = grep(Path.of("/proc/cpuinfo"), "model name");
        long mem = 0;
        String total = grep(Path.of("/proc/meminfo"), "MemTotal");
        if (!total.isEmpty()) mem = Long.parseLong(total.replaceAll("[^0-9]", "")) * 1024;
        String os = "";
        try {
            for (String l : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (l.startsWith("PRETTY_NAME=")) os = l.substring(12).replace("\"", "");
            }
        } catch (IOException e) {
            os = "unknown";
        }
        String cgroups = Cgroups.v2() ? "v2" : (Files.exists(Path.of("/sys/fs/cgroup/unified")) ? "v1 (hybrid)" : "v1");
        String fs = Sh.run(List.of("stat", "-f", "-c", "%T", work.toString())).out().strip();
        return new Results.Machine(cpu, Runtime.getRuntime().availableProcessors(), mem, os,
                System.getProperty("os.version"), cgroups, work + " (" + fs + ")");
    }

    static Map<String, String> versions(Path repo) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("torpor", dev.torpor.node.Node.VERSION + commit(repo));
        v.put("jdk", System.getProperty("java.vm.vendor") + " " + Runtime.version());
        v.put("runc", firstLine(List.of("runc", "--version")));
        v.put("criu", firstLine(List.of("criu", "--version")) + " (" + Sh.run(List.of("sh", "-c", "command -v criu")).out().strip() + ")");
        v.put("docker", firstLine(List.of(EngineSubject.DOCKER_CLI, "version", "--format", "client {{.Client.Version}}, server {{.Server.Version}}")));
        v.put("containerd", firstLine(List.of("containerd", "--version")));
        v.put("podman", firstLine(List.of("podman", "--version")));
        v.put("python", firstLine(List.of("python3", "--version")));
        return v;
    }

    private static String commit(Path repo) {
        Sh.Result r = Sh.run(List.of("git", "-C", repo.toString(), "rev-parse", "--short", "HEAD"));
        if (!r.ok()) return "";
        Sh.Result dirty = Sh.run(List.of("git", "-C", repo.toString(), "status", "--porcelain", "--untracked-files=no"));
        return " (commit " + r.out().strip() + (dirty.ok() && !dirty.out().isBlank() ? ", with local changes" : "") + ")";
    }

    private static String firstLine(List<String> argv) {
        Sh.Result r = Sh.run(argv);
        String s = (r.out().isBlank() ? r.err() : r.out()).lines().findFirst().orElse("").strip();
        return r.ok() ? s : "unavailable (" + s + ")";
    }

    private static String grep(Path file, String key) {
        try {
            for (String l : Files.readAllLines(file)) {
                if (l.startsWith(key)) return l.substring(l.indexOf(':') + 1).strip();
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }
}
