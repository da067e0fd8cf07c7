package dev.torpor.it;

import dev.torpor.runtime.oci.OciRuntimes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** What a node on a data dir may have left on the host: each list is empty for a node that left nothing. */
final class Leftovers {
    private Leftovers() {}

    /** Everything found, named, for one assertion. */
    static List<String> of(Path data) throws Exception {
        List<String> found = new ArrayList<>();
        TestNode.containers(data).forEach(c -> found.add("container " + c));
        lazyPagesDaemons(data).forEach(pid -> found.add("criu lazy-pages " + pid));
        criuRootMounts(data).forEach(m -> found.add("mount " + m));
        netns(data).forEach(n -> found.add("netns " + n));
        return found;
    }

    /** Pids of the {@code criu lazy-pages} processes working in the node's data dir. */
    static List<Long> lazyPagesDaemons(Path data) {
        String under = data.toAbsolutePath().normalize() + "/";
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(Arrays::asList)
                        .map(args -> args.contains("lazy-pages") && args.stream().anyMatch(a -> a.startsWith(under))).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    /** The {@code criu-root} mounts runc made under the node's data dir for a restore. */
    static List<String> criuRootMounts(Path data) throws IOException {
        String under = data.toAbsolutePath().normalize() + "/";
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" ")[4])
                .filter(m -> m.startsWith(under) && m.endsWith("/criu-root")).toList();
    }

    /** The network namespaces named with the node's scope. */
    static List<String> netns(Path data) throws IOException {
        String prefix = "torpor-" + OciRuntimes.scopeOf(data.resolve("runtime"));
        try (Stream<Path> all = Files.isDirectory(Path.of("/var/run/netns")) ? Files.list(Path.of("/var/run/netns")) : Stream.empty()) {
            return all.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList();
        }
    }

    /** The cgroup directories of the node's scope, in every hierarchy. */
    static List<Path> cgroupDirs(Path data) throws IOException {
        String scope = OciRuntimes.scopeOf(data.resolve("runtime"));
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            return hierarchies.map(h -> h.resolve("torpor").resolve(scope)).filter(Files::isDirectory).toList();
        }
    }
}
