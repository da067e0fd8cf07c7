package dev.torpor.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Getting the peers ready: their packages (bench/install-peers.sh), a Docker daemon with experimental features
 * (checkpoints) that finds the working CRIU, and the function's image in both engines.
 */
final class Peers implements AutoCloseable {
    private Process dockerd;

    static void install(Path repo) {
        Sh.Result r = Sh.run(List.of("bash", repo.resolve("bench/install-peers.sh").toString()));
        if (!r.ok()) throw new BenchException("bench/install-peers.sh failed, " + r.why());
    }

    /** Starts dockerd unless one answers already; it runs on the host network only (no bridge, no iptables rules). */
    void startDocker(Path work) throws Exception {
        if (Sh.run(List.of(EngineSubject.DOCKER_CLI, "info")).ok()) {
            Sh.Result exp = Sh.run(List.of(EngineSubject.DOCKER_CLI, "info", "--format", "{{.ExperimentalBuild}}"));
            if (!exp.out().strip().equals("true")) {
                throw new BenchException("a Docker daemon is already running without --experimental: checkpoints need it");
            }
            Progress.say("using the Docker daemon already running");
            return;
        }
        Path log = work.resolve("dockerd.log");
        ProcessBuilder pb = Sh.builder(List.of("dockerd", "--experimental", "--bridge=none", "--iptables=false", "--ip-masq=false"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        dockerd = pb.start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Sh.run(List.of(EngineSubject.DOCKER_CLI, "info")).ok()) {
            if (!dockerd.isAlive() || System.nanoTime() > deadline) {
                throw new BenchException("dockerd did not start: " + tail(log));
            }
            Thread.sleep(200);
        }
        Progress.say("started dockerd (pid %d, log %s)", dockerd.pid(), log);
    }

    static void importImage(List<String> cli, PeerRootfs rootfs) {
        List<String> inspect = new java.util.ArrayList<>(cli);
        inspect.addAll(List.of("image", "inspect", rootfs.image()));
        if (Sh.run(inspect).ok()) return;
        List<String> imp = new java.util.ArrayList<>(cli);
        imp.addAll(List.of("import", rootfs.tarball.toString(), rootfs.image()));
        Sh.ok(imp);
        Progress.say("imported %s into %s", rootfs.image(), cli.getFirst());
    }

    @Override
    public void close() {
        if (dockerd == null) return;
        dockerd.destroy();
        try {
            if (!dockerd.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) dockerd.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Progress.say("stopped the dockerd this run started");
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (Exception e) {
            return "(no log)";
        }
    }
}
