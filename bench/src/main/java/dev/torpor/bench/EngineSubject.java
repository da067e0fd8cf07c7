package dev.torpor.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Docker Engine (with its experimental CRIU checkpoints, as in the paper) or Podman (runc runtime), driven through
 * their own command line as a user would. The function is the HTTP server on the host network, in a container of
 * the image imported from the peers' root filesystem, with the same memory limit as everywhere else.
 */
final class EngineSubject extends Subject {
    enum Engine { DOCKER, PODMAN }

    /** Debian's docker.io client, not any other {@code docker} that may be first on the PATH. */
    static final String DOCKER_CLI = "/usr/bin/docker";

    private final Engine engine;
    private final String image;
    private final Map<Integer, Integer> limitsMiB;
    private final Ports ports;
    private final Map<Integer, String> checkpointNames = new HashMap<>();
    private final Map<Integer, Path> cgroups = new HashMap<>();
    private int seq;

    EngineSubject(Engine engine, String image, Map<Integer, Integer> limitsMiB, Ports ports) {
        this.engine = engine;
        this.image = image;
        this.limitsMiB = limitsMiB;
        this.ports = ports;
    }

    @Override
    String name() {
        return engine == Engine.DOCKER ? Results.DOCKER : Results.PODMAN;
    }

    String container(int sizeMb) {
        return "torpor-bench-" + name() + "-" + sizeMb;
    }

    /** Removes a container at once: python as PID 1 ignores SIGTERM, and Podman would wait 10 s before killing it. */
    private List<String> remove(String name) {
        return engine == Engine.DOCKER ? cli("rm", "--force", name) : cli("rm", "--force", "--time", "0", name);
    }

    List<String> cli(String... words) {
        List<String> argv = new ArrayList<>(List.of(engine == Engine.DOCKER ? DOCKER_CLI : "podman"));
        argv.addAll(List.of(words));
        return argv;
    }

    private List<String> run(String name, int sizeMb, int port) {
        List<String> argv = cli("run", "--detach", "--name", name, "--network", "host",
                "--memory", limitsMiB.get(sizeMb) + "m", "--memory-swap", limitsMiB.get(sizeMb) + "m",
                "--ulimit", "nofile=1024:1024", "--env", "BALLAST_MB=" + sizeMb);
        if (engine == Engine.PODMAN) argv.addAll(List.of("--ulimit", "nproc=4096:4096"));
        argv.addAll(List.of(image, "python3", PeerRootfs.SERVER, Integer.toString(port)));
        return argv;
    }

    @Override
    void deploy(int sizeMb) throws Exception {
        String c = container(sizeMb);
        Sh.run(remove(c));
        Sh.ok(run(c, sizeMb, ports.of(sizeMb)));
        counted(c, Answer.parse(EventClient.postWhenListening(ports.of(sizeMb), 60_000), 0));
        rememberCgroup(sizeMb);
    }

    @Override
    double pause(int sizeMb) {
        return Sh.ok(cli("pause", container(sizeMb))).ms();
    }

    @Override
    Answer wakeFromPause(int sizeMb) throws Exception {
        long t0 = System.nanoTime();
        Sh.ok(cli("unpause", container(sizeMb)));
        String body = EventClient.post(ports.of(sizeMb));
        return counted(container(sizeMb), Answer.parse(body, Sh.ms(t0)));
    }

    @Override
    double checkpoint(int sizeMb) {
        String c = container(sizeMb);
        if (engine == Engine.DOCKER) {
            String cp = "cp" + (++seq);
            checkpointNames.put(sizeMb, cp);
            return Sh.ok(cli("checkpoint", "create", c, cp)).ms();
        }
        return Sh.ok(cli("container", "checkpoint", c)).ms();
    }

    @Override
    Path imageDir(int sizeMb) {
        String c = container(sizeMb);
        if (engine == Engine.DOCKER) {
            String id = Sh.out(cli("inspect", "--format", "{{.Id}}", c));
            return Path.of("/var/lib/docker/containers", id, "checkpoints", checkpointNames.get(sizeMb));
        }
        // Podman keeps CRIU's image in the container's userdata directory until the restore.
        return Path.of(Sh.out(cli("inspect", "--format", "{{.StaticDir}}", c)), "checkpoint");
    }

    @Override
    Answer wakeFromCheckpoint(int sizeMb) throws Exception {
        String c = container(sizeMb);
        long t0 = System.nanoTime();
        if (engine == Engine.DOCKER) {
            // Docker sometimes refuses a restore because containerd still holds an identical blob of an earlier
            // checkpoint (moby/moby#42900); what a user does is try again, so the sample includes the retry.
            Sh.Result r = Sh.run(cli("start", "--checkpoint", checkpointNames.get(sizeMb), c));
            int retries = 0;
            for (; !r.ok() && r.err().contains("already exists") && retries < 3; retries++) {
                r = Sh.run(cli("start", "--checkpoint", checkpointNames.get(sizeMb), c));
            }
            if (retries > 0) note = "Docker refused the restore (moby/moby#42900) and was retried " + retries + "×; the time includes the retries";
            if (!r.ok()) throw new BenchException("docker start --checkpoint failed, " + r.why());
        } else {
            Sh.ok(cli("container", "restore", c));
        }
        String body = EventClient.post(ports.of(sizeMb));
        Answer a = counted(c, Answer.parse(body, Sh.ms(t0)));
        if (engine == Engine.DOCKER) Sh.run(cli("checkpoint", "rm", c, checkpointNames.get(sizeMb)));
        rememberCgroup(sizeMb);
        return a;
    }

    @Override
    Answer coldStart(int sizeMb, int round) throws Exception {
        String c = container(sizeMb) + "-cold";
        int port = ports.coldOf(sizeMb);
        Sh.run(remove(c));
        long t0 = System.nanoTime();
        try {
            Sh.ok(run(c, sizeMb, port));
            String body = EventClient.postWhenListening(port, 60_000);
            return Answer.parse(body, Sh.ms(t0)).checkedAgainst(1);
        } finally {
            Sh.run(remove(c));
        }
    }

    @Override
    Cgroups.Memory memory(int sizeMb, String state) {
        return Cgroups.read(cgroups.get(sizeMb));
    }

    private void rememberCgroup(int sizeMb) {
        String pid = Sh.out(cli("inspect", "--format", "{{.State.Pid}}", container(sizeMb)));
        Cgroups.ofPid(Integer.parseInt(pid)).ifPresent(p -> cgroups.put(sizeMb, p));
    }

    @Override
    public void close() {
        for (int size : ports.sizesMb()) {
            Sh.run(remove(container(size)));
            Sh.run(remove(container(size) + "-cold"));
        }
    }
}
