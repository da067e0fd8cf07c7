package dev.torpor.lifecycle;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.Compatibility;
import dev.torpor.runtime.ContainerRuntime;
import dev.torpor.runtime.ContainerSpec;
import dev.torpor.runtime.ContainerStatus;
import dev.torpor.runtime.RuntimeVersions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link ContainerRuntime} without containers: each "container" is a {@link FakeFunction} whose relay connects to
 * the instance's channel socket as torpor-init would. Records every lifecycle verb it is asked for, and can be told to
 * fail the next call of a verb the way runc does, with the tool's stderr in the exception. Public for the cluster's
 * tests, whose nodes run on it.
 */
public final class FakeContainerRuntime implements ContainerRuntime, AutoCloseable {
    static final RuntimeVersions VERSIONS =
            new RuntimeVersions("runc 1.2.0 (fake)", "criu 4.2 (fake)", "6.1.0-fake", System.getProperty("os.arch"));

    public enum Verb { START, PAUSE, RESUME, CHECKPOINT, RESTORE, REMOVE }

    /** One lifecycle call as the node made it; reads like {@code checkpoint} or {@code checkpoint (failed)}. */
    record Call(Verb verb, String id, boolean failed) {
        @Override
        public String toString() {
            return verb.name().toLowerCase(Locale.ROOT) + (failed ? " (failed)" : "");
        }
    }

    private final Map<String, FakeFunction> containers = new HashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final Map<Verb, String> failNext = new EnumMap<>(Verb.class);
    private final List<Integer> containersAtLaunch = new ArrayList<>();
    private final Map<Verb, Hold> holdNext = new EnumMap<>(Verb.class);
    /** Containers whose last dump ran to its end and took them. */
    private final java.util.Set<String> dumped = new java.util.HashSet<>();

    /** Where a held call waits: {@link #reached} once the call is made, and it goes on when {@link #let} says so. */
    public static final class Hold {
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch go = new CountDownLatch(1);

        void awaitReached() throws InterruptedException {
            reached.await();
        }

        void let() {
            go.countDown();
        }
    }

    /** The next call of {@code verb} waits, before doing anything, until the returned hold lets it go on. */
    synchronized Hold holdNext(Verb verb) {
        Hold h = new Hold();
        holdNext.put(verb, h);
        return h;
    }
    private String cpuRefusal;

    /** The next call of {@code verb} fails, changing nothing, with {@code stderr} as the tool's words. */
    public synchronized void failNext(Verb verb, String stderr) {
        failNext.put(verb, stderr);
    }

    /** From now on this node's "CPU" lacks what images dumped elsewhere used, for {@code why}; null: it has it all. */
    public synchronized void refuseCpu(String why) {
        cpuRefusal = why;
    }

    /** Every lifecycle call for one instance, in order, as words. */
    synchronized List<String> verbs(String id) {
        return calls.stream().filter(c -> c.id().equals(id)).map(Call::toString).toList();
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized long count(Verb verb) {
        return calls.stream().filter(c -> c.verb() == verb && !c.failed()).count();
    }

    /** How many containers existed right after each start or restore, the new one included. */
    synchronized List<Integer> containersAtLaunch() {
        return List.copyOf(containersAtLaunch);
    }

    synchronized int containerCount() {
        return containers.size();
    }

    @Override
    public synchronized void start(ContainerSpec spec, OutputStream output) {
        call(Verb.START, spec.id());
        launched(spec, FakeFunction.start(spec.id(), socket(spec)));
    }

    @Override
    public synchronized void restore(ContainerSpec spec, Path imageDir, OutputStream output) {
        call(Verb.RESTORE, spec.id());
        launched(spec, FakeFunction.restore(spec.id(), socket(spec), imageDir));
    }

    /** The fake keeps no memory apart from its image: every page is there at once. */
    @Override
    public synchronized CompletableFuture<Void> restoreLazily(ContainerSpec spec, Path imageDir, OutputStream output,
                                                              InetSocketAddress pageServer) {
        restore(spec, imageDir, output);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized void pause(String id) {
        call(Verb.PAUSE, id);
        existing(id).freeze();
    }

    @Override
    public synchronized void resume(String id) {
        call(Verb.RESUME, id);
        existing(id).thaw();
    }

    /** As CRIU does: freeze, dump, then kill unless asked to leave it running. */
    @Override
    public void checkpoint(String id, Path imageDir, boolean leaveRunning) {
        awaitHold(Verb.CHECKPOINT);
        dump(id, imageDir, leaveRunning);
    }

    private synchronized void dump(String id, Path imageDir, boolean leaveRunning) {
        call(Verb.CHECKPOINT, id);
        FakeFunction f = existing(id);
        f.freeze();
        f.dumpTo(imageDir);
        writeCpuInfo(imageDir);
        if (leaveRunning) {
            f.thaw();
        } else {
            containers.remove(id).kill();
            dumped.add(id);
        }
    }

    private static void writeCpuInfo(Path imageDir) {
        try {
            Files.writeString(imageDir.resolve(Compatibility.CPU_INFO), "fake cpu");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized Optional<String> cpuRefusal(Path imageDir) {
        return Optional.ofNullable(cpuRefusal);
    }

    @Override
    public synchronized void remove(String id) {
        call(Verb.REMOVE, id);
        FakeFunction f = containers.remove(id);
        if (f != null) f.kill();
    }

    @Override
    public synchronized Optional<ContainerStatus> status(String id) {
        return Optional.ofNullable(containers.get(id)).map(f ->
                new ContainerStatus(id, f.frozen() ? ContainerStatus.State.PAUSED : ContainerStatus.State.RUNNING, 4242));
    }

    @Override
    public synchronized List<String> list() {
        return List.copyOf(containers.keySet());
    }

    /** The fake's commands end with their call: none outlive a node. */
    @Override
    public void awaitLeftoverCommands() {}

    @Override
    public synchronized boolean dumpFinished(String id) {
        return dumped.contains(id) && !containers.containsKey(id);
    }

    @Override
    public synchronized long residentBytes(String id) {
        return containers.containsKey(id) ? 32L << 20 : 0;
    }

    @Override
    public RuntimeVersions versions() {
        return VERSIONS;
    }

    @Override
    public synchronized void close() {
        containers.values().forEach(FakeFunction::kill);
        containers.clear();
    }

    /** Outside the lock, so the runtime serves others while a call is held. */
    private void awaitHold(Verb verb) {
        Hold h;
        synchronized (this) {
            h = holdNext.remove(verb);
        }
        if (h == null) return;
        h.reached.countDown();
        try {
            h.go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TorporException(ErrorKind.FAILED, "interrupted while held");
        }
    }

    /** Records the call, or fails it as told; a failed call changes nothing. */
    private void call(Verb verb, String id) {
        String stderr = failNext.remove(verb);
        calls.add(new Call(verb, id, stderr != null));
        if (stderr != null) {
            throw new TorporException(ErrorKind.FAILED, "runc " + verb.name().toLowerCase(Locale.ROOT) + " of " + id + " failed",
                    1, stderr, null);
        }
    }

    private void launched(ContainerSpec spec, FakeFunction process) {
        if (containers.putIfAbsent(spec.id(), process) != null) {
            process.kill();
            throw new TorporException(ErrorKind.ALREADY_EXISTS, "container " + spec.id() + " already exists");
        }
        containersAtLaunch.add(containers.size());
    }

    private FakeFunction existing(String id) {
        FakeFunction f = containers.get(id);
        if (f == null) throw TorporException.notFound("no container " + id);
        return f;
    }

    private static Path socket(ContainerSpec spec) {
        return spec.channelDir().resolve(FakeFunction.SOCKET);
    }
}
