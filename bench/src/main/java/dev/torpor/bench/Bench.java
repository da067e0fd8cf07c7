package dev.torpor.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.torpor.bench.Results.AgentMemory;
import dev.torpor.bench.Results.SystemStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./torpor bench}: Torpor against raw runc, Docker and Podman on the same long-running Python function, in
 * one run, interleaved; writes results.json, report.md, summary.md and PNG plots.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark Torpor against raw runc, Docker and Podman (as root; installs Docker and Podman first).")
public final class Bench implements Callable<Integer> {
    /** Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final java.util.logging.Logger NODE_LOG = java.util.logging.Logger.getLogger("torpor");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Each of the two migration and backup nodes: room for every function those runs deploy at once. */
    static final long CLUSTER_BUDGET = 4L << 30;
    /** Copies per function in the backup run: the table shows the 1st, the 2nd and this one. */
    static final int BACKUPS = 10;
    static final long BACKUP_INTERVAL_MS = 500;

    @Option(names = "--quick", description = "One size (25 MB), 3 rounds, a short density climb, migration and backup of 10 MB only.")
    boolean quick;

    @Option(names = "--out", defaultValue = "bench-results", description = "Where reports go: OUT/<time>/ and OUT/latest/ (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--work", defaultValue = "/var/lib/torpor-bench", description = "Scratch space for nodes, bundles and images (default ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--repo", defaultValue = ".", description = "The Torpor checkout (for bench/install-peers.sh and the node jar).")
    Path repo;

    @Option(names = "--node-jar", description = "The node jar the agent-memory run starts (default REPO/node/target/torpor.jar).")
    Path nodeJar;

    @Option(names = "--rounds", description = "Rounds of the latency cycle (default 3 quick, 10 full).")
    Integer rounds;

    @Option(names = "--systems", split = ",", description = "Only these systems (torpor,runc,docker,podman); the others are reported as not run.")
    Set<String> only;

    @Option(names = "--migration-rounds", description = "Rounds of migrations (default 2 quick, 5 full).")
    Integer migrationRounds;

    @Option(names = "--skip", split = ",", description = "Parts to leave out: latency, agent, density, migration, backup.")
    Set<String> skip = Set.of();

    @Option(names = "--verbose", description = "Show the in-process nodes' own log lines too.")
    boolean verbose;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            System.err.println("bench: runs containers and CRIU: run it as root (./torpor bench)");
            return 2;
        }
        // The nodes run in this process; their lifecycle lines would drown the progress lines.
        if (!verbose) NODE_LOG.setLevel(java.util.logging.Level.WARNING);
        repo = repo.toAbsolutePath().normalize();
        work = work.toAbsolutePath().normalize();
        Files.createDirectories(work);
        if (nodeJar == null) nodeJar = repo.resolve("node/target/torpor.jar");
        String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT.withZone(ZoneOffset.UTC));
        started = started.replaceAll("\\.\\d+Z$", "Z");

        List<Integer> sizes = quick ? List.of(25) : List.of(5, 25, 100);
        int nRounds = rounds != null ? rounds : quick ? 3 : 10;
        // MemorySize (Lambda's minimum is 128 MiB) and the same cgroup limit for the peers' containers.
        Map<Integer, Integer> limits = Map.of(5, 128, 10, 128, 25, 128, 50, 128, 100, 256, 200, 384);
        List<Integer> clusterSizes = quick ? List.of(10) : List.of(10, 50, 200);
        int nMigrationRounds = migrationRounds != null ? migrationRounds : quick ? 2 : 5;
        long densityBudget = 256L << 20;
        int densityMemory = 128, densityBallast = 25;
        long densityIdleMs = 2000;
        List<Integer> levels = quick ? List.of(2, 5) : List.of(2, 4, 8, 16, 24);
        int agentFunctions = Targets.AGENT_FUNCTIONS, agentInvoked = quick ? 10 : 50;
        var settings = new Results.Settings(sizes, nRounds, densityBudget, densityMemory, densityBallast, levels,
                agentFunctions, agentInvoked, new java.util.TreeMap<>(limits), clusterSizes, nMigrationRounds, BACKUPS, BACKUP_INTERVAL_MS);
        Progress.say("torpor bench (%s): sizes %s MB, %d rounds, work in %s", quick ? "quick" : "full", sizes, nRounds, work);
        if (!Sh.path().equals(System.getenv("PATH"))) {
            Progress.say("note: PATH does not start with /usr/local/sbin; the in-process node's runc may not find the working CRIU");
        }

        Map<String, String> failures = new LinkedHashMap<>();
        for (String s : Results.SYSTEMS) if (only != null && !only.contains(s)) failures.put(s, "not run (--systems)");
        boolean wantDocker = !failures.containsKey(Results.DOCKER), wantPodman = !failures.containsKey(Results.PODMAN);
        boolean wantRunc = !failures.containsKey(Results.RUNC);

        LatencyRun latency = new LatencyRun();
        List<AgentMemory> agent = new ArrayList<>();
        DensityRun density = new DensityRun();
        Map<String, String> versions;

        try (Peers peers = new Peers()) {
            if (wantDocker || wantPodman) {
                try {
                    Peers.install(repo);
                } catch (BenchException e) {
                    if (wantDocker) failures.put(Results.DOCKER, e.getMessage());
                    if (wantPodman) failures.put(Results.PODMAN, e.getMessage());
                }
            }
            PeerRootfs rootfs = null;
            if (wantRunc || wantDocker || wantPodman) {
                try {
                    rootfs = PeerRootfs.build(work);
                    Progress.say("peers' root filesystem: %s (%s)", rootfs.dir, rootfs.image());
                } catch (Exception e) {
                    for (String s : List.of(Results.RUNC, Results.DOCKER, Results.PODMAN)) failures.putIfAbsent(s, "building the root filesystem: " + e.getMessage());
                }
            }
            if (!failures.containsKey(Results.DOCKER)) {
                try {
                    peers.startDocker(work);
                    Peers.importImage(List.of(EngineSubject.DOCKER_CLI), rootfs);
                } catch (Exception e) {
                    failures.put(Results.DOCKER, e.getMessage());
                }
            }
            if (!failures.containsKey(Results.PODMAN)) {
                try {
                    Peers.importImage(List.of("podman"), rootfs);
                } catch (Exception e) {
                    failures.put(Results.PODMAN, e.getMessage());
                }
            }
            versions = MachineInfo.versions(repo);
            versions.put("node agent JVM options (agent-memory, migration and backup runs)", NodeProcess.javaOpts());

            if (!skip.contains("latency")) {
                List<Subject> subjects = new ArrayList<>();
                try {
                    if (!failures.containsKey(Results.TORPOR)) {
                        Sh.run(List.of("rm", "-rf", work.resolve("torpor").toString()));
                        try {
                            subjects.add(new TorporSubject(work.resolve("torpor"), limits, 4L << 30));
                        } catch (Exception e) {
                            failures.put(Results.TORPOR, "starting the node: " + e);
                        }
                    }
                    if (!failures.containsKey(Results.RUNC)) subjects.add(new RuncSubject(work, rootfs, limits, new Ports(18100, sizes)));
                    if (!failures.containsKey(Results.DOCKER)) {
                        subjects.add(new EngineSubject(EngineSubject.Engine.DOCKER, rootfs.image(), limits, new Ports(18200, sizes)));
                    }
                    if (!failures.containsKey(Results.PODMAN)) {
                        subjects.add(new EngineSubject(EngineSubject.Engine.PODMAN, rootfs.image(), limits, new Ports(18300, sizes)));
                    }
                    latency.run(subjects, sizes, nRounds);
                    failures.putAll(latency.failures);
                    if (!failures.containsKey(Results.DOCKER)) {
                        agent.add(new AgentMemory("dockerd", "idle, " + sizes.size() + " benchmark containers", 0, sizes.size(), AgentMemoryRun.rssOfCommand("dockerd"), -1));
                        agent.add(new AgentMemory("containerd (+ shims)", "idle, " + sizes.size() + " benchmark containers", 0, sizes.size(),
                                AgentMemoryRun.rssOfCommand("containerd") + AgentMemoryRun.rssOfCommand("containerd-shim"), -1));
                    }
                    if (!failures.containsKey(Results.PODMAN)) {
                        agent.add(new AgentMemory("podman conmon (all)", "idle, " + sizes.size() + " benchmark containers", 0, sizes.size(), AgentMemoryRun.rssOfCommand("conmon"), -1));
                    }
                } finally {
                    for (Subject s : subjects) {
                        try {
                            s.close();
                        } catch (RuntimeException e) {
                            Progress.say("cleaning up %s: %s", s.name(), e);
                        }
                    }
                }
            }
        }

        if (!skip.contains("agent") && !failures.containsKey(Results.TORPOR)) {
            AgentMemoryRun a = new AgentMemoryRun();
            try {
                a.run(nodeJar, work, agentFunctions, agentInvoked);
            } catch (Exception e) {
                Progress.say("agent memory run failed: %s", e);
                agent.add(new AgentMemory("torpor-agent", "failed: " + e.getMessage(), 0, 0, 0, 0));
            }
            agent.addAll(0, a.samples);
        }
        if (!skip.contains("density") && !failures.containsKey(Results.TORPOR)) {
            density.run(work, densityBudget, densityMemory, densityBallast, densityIdleMs, levels, 2);
        }

        MigrationRun migration = new MigrationRun();
        BackupRun backup = new BackupRun();
        Map<String, String> broken = new LinkedHashMap<>();
        if (!(skip.contains(ClusterReport.MIGRATION) && skip.contains(ClusterReport.BACKUP)) && !failures.containsKey(Results.TORPOR)) {
            cluster(clusterSizes, nMigrationRounds, limits, migration, backup, broken);
        }

        List<SystemStatus> systems = new ArrayList<>();
        for (String s : Results.SYSTEMS) systems.add(new SystemStatus(s, !failures.containsKey(s), failures.get(s)));
        Results results = new Results(quick ? "quick" : "full", started, Math.round(Progress.elapsedSeconds()), MachineInfo.machine(work),
                versions, settings, systems, latency.samples, latency.memory, latency.sizes, agent, density.points,
                migration.samples, backup.series, broken, List.of());
        results = results.withTargets(Targets.evaluate(results));
        Path dir = write(results, out.toAbsolutePath());
        System.out.println();
        System.out.println(Report.summary(results));
        System.out.println(ClusterReport.tables(results));
        Progress.say("report: %s", dir.resolve("report.md"));
        return 0;
    }

    /**
     * Migration and backup between two node processes; a part that breaks is reported as broken with its error, and
     * the other part still runs.
     */
    private void cluster(List<Integer> sizes, int rounds, Map<Integer, Integer> limits, MigrationRun migration, BackupRun backup,
                         Map<String, String> broken) {
        List<String> parts = new ArrayList<>();
        for (String p : List.of(ClusterReport.MIGRATION, ClusterReport.BACKUP)) if (!skip.contains(p)) parts.add(p);
        try (NodePair nodes = NodePair.start(nodeJar, work, CLUSTER_BUDGET)) {
            Progress.say("nodes %s and %s started (own JVMs, budget %s each)", NodePair.A, NodePair.B, Report.mib(CLUSTER_BUDGET));
            for (String part : parts) {
                try {
                    if (part.equals(ClusterReport.MIGRATION)) {
                        migration.run(nodes, sizes, rounds, limits);
                    } else {
                        backup.run(nodes, sizes, BACKUPS, BACKUP_INTERVAL_MS, limits);
                    }
                } catch (Exception | AssertionError e) {
                    broken.put(part, e.toString());
                    Progress.say("the %s run broke: %s%n%s's log, %s%n%s's log, %s", part, e, NodePair.A, nodes.log(NodePair.A),
                            NodePair.B, nodes.log(NodePair.B));
                }
            }
        } catch (Exception e) {
            for (String part : parts) broken.putIfAbsent(part, "starting the two nodes: " + e.getMessage());
            Progress.say("migration and backup not measured: %s", e.getMessage());
        }
    }

    /** Writes the run into OUT/<time>/ and mirrors it to OUT/latest/. */
    static Path write(Results r, Path out) throws Exception {
        Path dir = out.resolve(r.startedAt().replace(":", "").replace("-", ""));
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("results.json").toFile(), r);
        List<String> plots = new ArrayList<>();
        try {
            plots = Plots.write(r, dir);
        } catch (Exception | Error e) {
            Progress.say("plots failed: %s", e);
        }
        Files.writeString(dir.resolve("summary.md"), Report.summary(r));
        Files.writeString(dir.resolve("report.md"), Report.full(r, plots));
        Path latest = out.resolve("latest");
        Sh.run(List.of("rm", "-rf", latest.toString()));
        Sh.ok(List.of("cp", "-r", dir.toString(), latest.toString()));
        return dir;
    }
}
