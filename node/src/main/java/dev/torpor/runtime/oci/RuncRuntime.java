package dev.torpor.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.runtime.ContainerRuntime;
import dev.torpor.runtime.ContainerSpec;
import dev.torpor.runtime.ContainerStatus;
import dev.torpor.runtime.MigrationSupport;
import dev.torpor.runtime.RuntimeVersions;
import dev.torpor.runtime.cni.BridgeNetwork;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;

/**
 * {@link ContainerRuntime} on runc, with CRIU behind {@code runc checkpoint/restore}. Everything it writes for a
 * container (bundle, runc and CRIU logs, CRIU work files) lives in {@code workRoot/<id>} and goes with
 * {@link #remove}.
 */
final class RuncRuntime implements ContainerRuntime {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** runc's own verbs (state, pause, resume, delete) and {@code criu check}: a Go or C start and a few syscalls. */
    private static final Duration QUICK = Duration.ofSeconds(30);
    /** {@code runc run}: a container start, with its namespaces and mounts, on a slow device. */
    private static final Duration START = Duration.ofSeconds(60);
    /** A dump or restore's work that does not grow with memory: freezing, the image's small files, runc itself. */
    private static final Duration CRIU_BASE = Duration.ofSeconds(60);
    /** The pages' part: the slowest storage (an SD card) or link an edge node is expected to move them through. */
    private static final long CRIU_BYTES_PER_SECOND = 8L * 1024 * 1024;
    private static final int LOG_TAIL_LINES = 12;
    /** How long a restart waits for a killed node's dumps and restores to end: a dump of 1 GiB at the slowest rate. */
    private static final Duration LEFTOVER_DEADLINE = criuTimeout(1L << 30);

    private final RuncArgs runc;
    private final String runcBinary;
    private final Path workRoot;
    private final Rootfs rootfs;
    private final Path criuConfig;
    private final CgroupMemory cgroups;
    private final String scope;
    private final NetworkNamespace netns;
    /** Empty on a host without the CNI plugins: containers with loopback only can run there. */
    private final Optional<BridgeNetwork> network;
    private final Path stateRoot;
    private final CpuInfo cpu;
    private volatile MigrationSupport migrationSupport;

    /** {@code scope} names this node's network namespaces and cgroups apart from other nodes' on the same host. */
    RuncRuntime(String runcBinary, Path stateRoot, Path workRoot, Rootfs rootfs, Path criuConfig, CgroupMemory cgroups,
                String scope, CpuInfo cpu, Optional<BridgeNetwork> network) {
        this.network = network;
        this.cpu = cpu;
        this.criuConfig = criuConfig;
        this.runcBinary = runcBinary;
        this.scope = scope;
        this.netns = new NetworkNamespace(scope, stateRoot.resolveSibling("netns"));
        this.runc = new RuncArgs(runcBinary, stateRoot);
        this.stateRoot = stateRoot;
        this.workRoot = workRoot;
        this.rootfs = rootfs;
        this.cgroups = cgroups;
    }

    @Override
    public void start(ContainerSpec spec, OutputStream output) {
        Path bundle = prepareBundle(spec);
        launch("run", runc.run(spec.id(), bundle, freshLog(spec.id())), spec.id(), output, null, START);
    }

    @Override
    public void restore(ContainerSpec spec, Path imageDir, OutputStream output) {
        restore(spec, imageDir, output, Optional.empty());
    }

    @Override
    public CompletableFuture<Void> restoreLazily(ContainerSpec spec, Path imageDir, OutputStream output, InetSocketAddress pageServer) {
        return restore(spec, imageDir, output, Optional.of(pageServer));
    }

    private CompletableFuture<Void> restore(ContainerSpec spec, Path imageDir, OutputStream output, Optional<InetSocketAddress> lazyPagesFrom) {
        if (known(spec.id())) {
            throw new TorporException(ErrorKind.ALREADY_EXISTS, "container " + spec.id() + " already exists");
        }
        Path bundle = prepareBundle(spec);
        Optional<String> movedFrom = MovedAddress.movedFrom(imageDir, address(spec.id()));
        try {
            movedFrom.ifPresent(old -> MovedAddress.lend(netns.pathOf(spec.id()), old));
        } catch (TorporException e) {
            discard(spec.id());
            throw e;
        }
        Path criuWork = freshDir(dir(spec.id()).resolve("criu-restore"));
        // Lazily, the pages are not in the image yet: the memory limit bounds what will come.
        Duration timeout = criuTimeout(lazyPagesFrom.isPresent() ? spec.memoryLimitBytes() : bytesUnder(imageDir));
        Optional<LazyPagesDaemon> daemon = lazyPagesFrom.map(from -> LazyPagesDaemon.start(imageDir, criuWork, from, timeout));
        try {
            launch("restore", runc.restore(spec.id(), bundle, imageDir, criuWork, freshLog(spec.id()), daemon.isPresent()),
                    spec.id(), output, criuWork.resolve("restore.log"), timeout);
        } catch (TorporException e) {
            daemon.ifPresent(LazyPagesDaemon::stop);
            throw e;
        }
        try {
            movedFrom.ifPresent(old -> MovedAddress.closeConnectionsAndTakeBack(netns.pathOf(spec.id()), old));
        } catch (TorporException e) {
            daemon.ifPresent(LazyPagesDaemon::stop);
            discard(spec.id());
            throw e;
        }
        return daemon.map(LazyPagesDaemon::finished).orElseGet(() -> CompletableFuture.completedFuture(null));
    }

    @Override
    public MigrationSupport migrationSupport() {
        MigrationSupport m = migrationSupport;
        if (m == null) migrationSupport = m = detectMigrationSupport(); // callers racing here find the same answer
        return m;
    }

    private static MigrationSupport detectMigrationSupport() {
        return new MigrationSupport(criuHas("uffd-noncoop"), criuHas("mem_dirty_track"));
    }

    private static boolean criuHas(String feature) {
        return ProcessRunner.runAllowingFailure(List.of("criu", "check", "--feature", feature), QUICK).exitStatus() == 0;
    }

    @Override
    public void checkpoint(String id, Path imageDir, boolean leaveRunning) {
        requireExists(id);
        Path dumpLog = dumpLog(id);
        Path criuWork = freshDir(dumpLog.getParent());
        try {
            Files.createDirectories(imageDir);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot make the image directory " + imageDir, e);
        }
        cpu.copyInto(imageDir); // before the dump: should it fail, the container has not been touched
        MovedAddress.record(imageDir, address(id));
        // Freeze first: CRIU freezes the container's cgroup itself, but when its first look finds the freezer still
        // FREEZING (two processes here: the relay and the function) it sleeps 100 ms before looking again.
        // runc pause waits for FROZEN in small steps (~7 ms). CRIU then finds the cgroup frozen, dumps, and the
        // restore comes back thawed.
        ProcessRunner.Result r;
        try {
            ProcessRunner.run(runc.pause(id), QUICK);
            r = ProcessRunner.runAllowingFailure(runc.checkpoint(id, imageDir, criuWork, leaveRunning, freshLog(id)),
                    criuTimeout(residentBytes(id)), ProcessWatch.CappedLog.criu(dumpLog));
        } catch (TorporException e) {
            // A pause that failed may have frozen the container all the same (runc freezes, then writes its state,
            // which a full disk refuses); CRIU killed mid-dump has let go of the tasks (ptrace ends with it). Thawed,
            // they run on as before.
            ProcessRunner.runAllowingFailure(runc.resume(id), QUICK);
            throw e;
        }
        if (r.exitStatus() != 0 || leaveRunning) {
            ProcessRunner.runAllowingFailure(runc.resume(id), QUICK); // running as before (CRIU re-freezes what it found frozen)
        }
        if (r.exitStatus() != 0) {
            throw failure("checkpoint of " + id + " failed", r.exitStatus(), id, dumpLog);
        }
        if (!leaveRunning) {
            // runc has destroyed the container; the namespace is ours to drop, off the checkpoint's path, once
            // unwired from the bridge (the address stays the container's, for its restore).
            network.ifPresent(n -> n.detach(id, netns.pathOf(id)));
            netns.removeLater(id);
        }
    }

    @Override
    public Optional<String> cpuRefusal(Path imageDir) {
        return cpu.refusal(imageDir);
    }

    @Override
    public void release() {
        network.ifPresent(n -> n.close(netns::pathOf));
        netns.close();
        CgroupDirs.host().removeEmpty("/torpor/" + scope);
    }

    @Override
    public void pause(String id) {
        requireExists(id);
        ProcessRunner.run(runc.pause(id), QUICK);
    }

    @Override
    public void resume(String id) {
        requireExists(id);
        ProcessRunner.run(runc.resume(id), QUICK);
    }

    @Override
    public void remove(String id) {
        Orphans.unmountUnder(stateRoot.resolve(id)); // runc's criu-root, when a restore of it was killed half-way
        ProcessRunner.runAllowingFailure(runc.deleteForce(id), QUICK);
        network.ifPresent(n -> n.release(id, netns.pathOf(id)));
        netns.remove(id);
        deleteTree(dir(id));
    }

    @Override
    public Optional<String> address(String id) {
        return network.flatMap(n -> n.address(id));
    }

    @Override
    public void keepOnly(Set<String> held) {
        network.ifPresent(n -> n.keepOnly(held, netns::pathOf));
    }

    @Override
    public Optional<ContainerStatus> status(String id) {
        ProcessRunner.Result r = ProcessRunner.runAllowingFailure(runc.state(id), QUICK);
        if (r.exitStatus() != 0) return Optional.empty();
        try {
            JsonNode state = JSON.readTree(r.stdout());
            return Optional.of(new ContainerStatus(id,
                    ContainerStatus.State.valueOf(state.path("status").asText().toUpperCase(Locale.ROOT)),
                    state.path("pid").asInt()));
        } catch (IOException | IllegalArgumentException e) {
            throw new TorporException(ErrorKind.FAILED, "runc state " + id + " answered something unexpected: " + r.stdout(), e);
        }
    }

    @Override
    public List<String> list() {
        String out = ProcessRunner.run(runc.list(), QUICK).stdout();
        List<String> ids = new ArrayList<>();
        try {
            JsonNode all = JSON.readTree(out.isBlank() ? "null" : out);
            if (all.isArray()) all.forEach(c -> ids.add(c.path("id").asText()));
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "runc list answered something unexpected: " + out, e);
        }
        return ids;
    }

    @Override
    public void awaitLeftoverCommands() {
        LeftoverCommands.awaitEnd(LeftoverCommands.of(stateRoot), LEFTOVER_DEADLINE);
    }

    @Override
    public boolean dumpFinished(String id) {
        return !known(id) && CriuLog.tailLines(dumpLog(id), CriuLog.TAIL_BYTES).stream()
                .anyMatch(line -> line.contains(CriuLog.DUMP_FINISHED));
    }

    @Override
    public long residentBytes(String id) {
        return cgroups.usageBytes(cgroupPath(id));
    }

    @Override
    public RuntimeVersions versions() {
        return new RuntimeVersions(
                firstLine(ProcessRunner.runAllowingFailure(runc.version(), QUICK).stdout()),
                firstLine(ProcessRunner.runAllowingFailure(List.of("criu", "--version"), QUICK).stdout()),
                System.getProperty("os.version"),
                System.getProperty("os.arch"));
    }

    private Path prepareBundle(ContainerSpec spec) {
        Path bundle = dir(spec.id()).resolve("bundle");
        try {
            rootfs.user().own(spec.codeDir());
            rootfs.user().own(spec.runtimeFilesDir());
            Path namespace = netns.create(spec.id());
            if (spec.network() == ContainerSpec.Network.OUTBOUND) wire(spec.id(), namespace);
            BundleWriter.write(bundle, spec, rootfs, namespace, cgroupPath(spec.id()), criuConfig);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot write the bundle of " + spec.id(), e);
        }
        return bundle;
    }

    /** Wires the namespace to the bridge at the container's address: the one it had before a restore here. */
    private void wire(String id, Path namespace) {
        BridgeNetwork bridge = network.orElseThrow(() -> new TorporException(ErrorKind.FAILED, "container " + id
                + " needs outbound network, and this node has no CNI plugins (containernetworking-plugins): "
                + "only functions with torpor:network none can run here"));
        try {
            bridge.attach(id, namespace);
        } catch (RuntimeException e) {
            netns.remove(id);
            throw e;
        }
    }

    /**
     * Runs a detaching runc verb whose container inherits runc's stdout and stderr: pipes, since CRIU cannot dump
     * a container writing to host files. The pipe is copied to {@code output} until the container ends.
     * <p>
     * The pipe's read end is held by a {@code cat}, not by the runc process: the JDK closes the pipes of a process
     * once it has exited, and a detaching runc exits as soon as the container runs, after which the function's next
     * write would fail with EPIPE (and kill it). {@code cat} reads until the last writer, the container, is gone.
     */
    private void launch(String verb, List<String> argv, String id, OutputStream output, Path criuLog, Duration timeout) {
        Process p;
        Process reader;
        try {
            List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
                    new ProcessBuilder(argv).redirectErrorStream(true), new ProcessBuilder("cat").redirectErrorStream(true)));
            p = pipeline.getFirst();
            reader = pipeline.getLast();
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot run " + runcBinary, e);
        }
        PipeReaders.copy(reader.getInputStream(), output, "output-" + id);
        try {
            ProcessWatch.await(p, "runc " + verb + " of " + id, timeout, criuLog == null ? null : ProcessWatch.CappedLog.criu(criuLog));
        } catch (TorporException e) {
            remove(id);
            throw e;
        }
        if (p.exitValue() != 0) {
            TorporException failure = failure("runc " + verb + " of " + id + " failed", p.exitValue(), id, criuLog);
            discard(id);
            throw failure;
        }
    }

    /** Removes a container that did not get going, and its namespace; its address stays its own. */
    private void discard(String id) {
        ProcessRunner.runAllowingFailure(runc.deleteForce(id), QUICK);
        network.ifPresent(n -> n.detach(id, netns.pathOf(id)));
        netns.remove(id);
    }

    /** A failure carrying runc's own error lines and the end of CRIU's log, which is where the reason is. */
    private TorporException failure(String what, int exit, String id, Path criuLog) {
        StringBuilder why = new StringBuilder();
        for (String line : CriuLog.tailLines(dir(id).resolve("runc.log"), CriuLog.TAIL_BYTES)) {
            try {
                JsonNode entry = JSON.readTree(line);
                String level = entry.path("level").asText();
                if (level.equals("error") || level.equals("fatal")) why.append(entry.path("msg").asText()).append('\n');
            } catch (IOException e) {
                why.append(line).append('\n');
            }
        }
        if (criuLog != null) CriuLog.lastErrors(criuLog, LOG_TAIL_LINES).forEach(l -> why.append(l).append('\n'));
        return new TorporException(ErrorKind.FAILED, what, exit, why.toString(), null);
    }

    /**
     * How long a dump or restore of {@code bytes} of memory may take: a fixed part, then the pages at the slowest
     * expected rate (256 MiB: 92 s; 1 GiB: 188 s). Past it CRIU is stuck, not slow.
     */
    static Duration criuTimeout(long bytes) {
        return CRIU_BASE.plusSeconds(Math.max(0, bytes) / CRIU_BYTES_PER_SECOND);
    }

    private static long bytesUnder(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot read the image " + dir, e);
        }
    }

    private String cgroupPath(String id) {
        return "/torpor/" + scope + "/" + id;
    }

    /**
     * Whether runc knows the container, without asking it: {@code runc state} is a fork and a Go start (~10 ms) on
     * the path of every pause, resume, checkpoint and restore. runc (libcontainer) keeps each container's state in
     * {@code <root>/<id>/state.json} from create to delete, which is what {@code runc state} itself reads.
     */
    private boolean known(String id) {
        return Files.exists(stateRoot.resolve(id).resolve("state.json"));
    }

    private void requireExists(String id) {
        if (!known(id)) throw TorporException.notFound("no container " + id);
    }

    /** Where CRIU logs the container's dump: a fresh directory for each, so the log is the last dump's alone. */
    private Path dumpLog(String id) {
        return dir(id).resolve("criu-dump").resolve("dump.log");
    }

    private Path dir(String id) {
        return workRoot.resolve(id);
    }

    private Path freshLog(String id) {
        Path log = dir(id).resolve("runc.log");
        try {
            Files.createDirectories(log.getParent());
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot prepare the files of a container", e);
        }
        return log;
    }

    private static Path freshDir(Path dir) {
        deleteTree(dir);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot prepare the files of a container", e);
        }
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("unknown").strip();
    }

    private static void deleteTree(Path dir) {
        try {
            if (Files.exists(dir)) PathUtils.deleteDirectory(dir);
        } catch (IOException busy) {
            Orphans.unmountUnder(dir); // a restore killed half-way left mounts in it; then try once more
            try {
                if (Files.exists(dir)) PathUtils.deleteDirectory(dir);
            } catch (IOException e) {
                throw new TorporException(ErrorKind.FAILED, "cannot prepare the files of a container", e);
            }
        }
    }
}
