package dev.torpor.cli.demo;

import dev.torpor.api.InstanceView;
import dev.torpor.api.NodeInfo;
import dev.torpor.api.lambda.FunctionConfiguration;
import dev.torpor.cli.client.NodeClient;
import dev.torpor.function.SuspendPolicy;
import dev.torpor.lifecycle.InstanceState;
import dev.torpor.node.ByteSize;
import dev.torpor.node.Node;
import dev.torpor.node.NodeConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.apache.commons.io.file.PathUtils;

/**
 * {@code torpor demo}: a node in this process, shown doing what Torpor is for, one step at a time.
 *
 * <ol>
 *   <li>A Python counter is checkpointed to disk while it waits: its memory drops to nothing, and the next event
 *       finds it counting on from where it was.
 *   <li>A bash counter is frozen instead: its memory stays, and it wakes faster.
 *   <li>Eight more Python counters than the memory budget can hold: the node checkpoints the least recently used to
 *       make room, and every one still counts right.
 * </ol>
 *
 * Every answer is checked (the count must continue, the event must be echoed); the demo succeeds when all were right.
 */
public final class Demo {
    /** How the demo's node is set up; {@code data} null means a new temporary directory. */
    public record Options(Path data, boolean keep, InetSocketAddress listen, long memoryBudgetBytes, boolean nodeLog) {
        public static final long DEFAULT_MEMORY_BUDGET = 256L << 20;
    }

    private static final String PYTHON = "counter-python";
    private static final String BASH = "counter-bash";
    private static final int MEMORY_MIB = 128;
    private static final int TIMEOUT_SECONDS = 30;
    /** The first two counters are suspended after this long idle, so the demo does not wait long. */
    private static final Duration IDLE = Duration.ofMillis(1000);
    /** The density copies are never suspended by their idle timer during the demo: only the budget moves them. */
    private static final Duration DENSITY_IDLE = Duration.ofMinutes(10);
    private static final int SUSPENSIONS = 2;
    private static final int DENSITY_COPIES = 8;
    private static final int DENSITY_ROUNDS = 2;
    private static final Duration SUSPEND_WAIT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(50);

    private final Options options;
    private final PrintWriter out;
    private final Scoreboard board = new Scoreboard();
    private final List<String> problems = new ArrayList<>();
    /** Kept so the level set on it holds: JUL keeps loggers only weakly. */
    private final Logger nodeLog = Logger.getLogger("torpor");
    private NodeClient node;
    private volatile boolean stopping;

    public Demo(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    /** Runs the whole demo and stops its node; true when every answer was correct and every step happened. */
    public boolean run() throws IOException, InterruptedException {
        Path data = dataDir();
        if (!options.nodeLog()) nodeLog.setLevel(Level.WARNING);
        Node server = Node.start(NodeConfig.standalone("demo", options.listen(), data, options.memoryBudgetBytes()));
        Shutdown shutdown = new Shutdown(server, data);
        Runtime.getRuntime().addShutdownHook(shutdown.onSignal);
        try (NodeClient client = new NodeClient(endpoint(server.address()))) {
            node = client;
            introduce(data);
            checkpointedWhileIdle();
            pausedWhileIdle();
            moreThanFit();
            summarize();
        } catch (Stopped e) {
            out.println();
            say("Stopped before the end.");
            return false;
        } finally {
            shutdown.run();
        }
        return problems.isEmpty() && board.correct() == board.answers();
    }

    /** Thrown at the next step once Ctrl-C (or SIGTERM) asked the demo to stop. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped", null, false, false);
        }
    }

    // ---- the three acts ----------------------------------------------------------------------------------------

    private void introduce(Path data) {
        NodeInfo info = node.info();
        out.println("Torpor demo: functions that sleep on disk while they wait, and wake up counting where they left off.");
        out.println();
        say("node    %s, memory budget %s, data in %s%s", node.endpoint(), ByteSize.format(info.memoryBudgetBytes()), data,
                options.keep() ? " (kept)" : options.data() == null ? " (deleted at the end)" : "");
        say("        %s %s, kernel %s, runc %s, criu %s", "torpor", info.version(), info.kernel(), lastWord(info.runc()),
                lastWord(info.criu()));
    }

    /** Act 1: checkpoint to disk. The memory goes to zero; the process comes back, counter and all. */
    private void checkpointedWhileIdle() throws IOException, InterruptedException {
        heading("1. A Python counter, checkpointed to disk while idle (40 MiB of ballast, %d MiB, checkpoint after %d ms idle)",
                MEMORY_MIB, IDLE.toMillis());
        Counter counter = deploy(PYTHON, PYTHON, Map.of("BALLAST_MB", "40"), SuspendPolicy.Mode.CHECKPOINT, IDLE);
        sleepAndWake(counter, InstanceState.CHECKPOINTED);
    }

    /** Act 2: pause in the cgroup freezer. The memory stays; the wake is quicker. */
    private void pausedWhileIdle() throws IOException, InterruptedException {
        heading("2. A bash counter, frozen while idle (%d MiB, pause after %d ms idle)", MEMORY_MIB, IDLE.toMillis());
        Counter counter = deploy(BASH, BASH, Map.of(), SuspendPolicy.Mode.PAUSE, IDLE);
        sleepAndWake(counter, InstanceState.PAUSED);
    }

    /** Invokes, then {@value #SUSPENSIONS} times: waits for the idle policy to suspend the instance, and wakes it. */
    private void sleepAndWake(Counter counter, InstanceState suspended) throws InterruptedException {
        step("invoke %s", counter.function);
        Counter.Answer first = counter.invoke(node);
        InstanceView running = instanceOf(counter.function).orElse(null);
        record(running, null, first);
        say("→ %s  cold start %s, resident %s", first.verdict(), Durations.format(first.took()), resident(running));

        for (int i = 0; i < SUSPENSIONS; i++) {
            step("idle");
            long t0 = System.nanoTime();
            InstanceView asleep = awaitState(counter.function, suspended);
            if (asleep == null || asleep.state() != suspended) {
                problem("%s did not become %s within %s", counter.function, suspended, Durations.format(SUSPEND_WAIT));
                return;
            }
            board.saw(asleep);
            say("→ %s after %s: resident %s%s", suspended, Durations.format(Duration.ofNanos(System.nanoTime() - t0)),
                    resident(asleep), suspended == InstanceState.CHECKPOINTED
                            ? ", image of " + ByteSize.format(asleep.checkpointBytes()) + " on disk"
                            : ", still held (the freezer frees nothing)");

            step("invoke %s", counter.function);
            Counter.Answer again = counter.invoke(node);
            record(instanceOf(counter.function).orElse(null), suspended, again);
            say("→ %s  woke in %s (%s)", again.verdict(), Durations.format(again.took()),
                    suspended == InstanceState.CHECKPOINTED ? "restored from disk" : "thawed");
        }
    }

    /** Act 3: more instances than the budget holds; the least recently used are checkpointed to make room. */
    private void moreThanFit() throws IOException {
        long budget = node.info().memoryBudgetBytes();
        heading("3. More than fit: %d more Python counters (60 MiB of ballast, %d MiB each) in the %s budget, "
                + "%d resident at a time", DENSITY_COPIES, MEMORY_MIB, ByteSize.format(budget), budget / ((long) MEMORY_MIB << 20));
        step("deploy density-1 … density-%d", DENSITY_COPIES);
        List<Counter> copies = new ArrayList<>();
        long codeSize = 0;
        for (int i = 1; i <= DENSITY_COPIES; i++) {
            String name = "density-" + i;
            codeSize = create(name, PYTHON, Map.of("BALLAST_MB", "60"), SuspendPolicy.Mode.CHECKPOINT, DENSITY_IDLE).codeSize();
            copies.add(new Counter(name));
            out.print(".");
            out.flush();
        }
        say(" → %s of %s code each, BALLAST_MB=60, idle timer %d min (so here only the budget suspends them)",
                ByteSize.format(codeSize), PYTHON, DENSITY_IDLE.toMinutes());

        Totals before = Totals.of(node.instances());
        int mostResident = 0;
        for (int round = 1; round <= DENSITY_ROUNDS; round++) {
            say("   round %d", round);
            for (Counter c : copies) {
                mostResident = Math.max(mostResident, invokeMakingRoom(c));
            }
        }
        Totals after = Totals.of(node.instances());
        say("   %d checkpoints made room for %d starts and %d restores; at most %d instances resident whenever we looked",
                after.checkpoints - before.checkpoints, DENSITY_COPIES, after.restores - before.restores, mostResident);
    }

    /** One invoke of a density copy, saying how its instance woke and which others were checkpointed to make room. */
    private int invokeMakingRoom(Counter c) {
        Map<String, InstanceView> before = byId(node.instances());
        InstanceView mineBefore = before.values().stream().filter(v -> v.function().equals(c.function)).findFirst().orElse(null);
        step("  %-10s", c.function);
        Counter.Answer answer = c.invoke(node);
        List<InstanceView> after = node.instances();
        InstanceView mine = after.stream().filter(v -> v.function().equals(c.function)).findFirst().orElse(null);
        record(mine, mineBefore == null ? null : mineBefore.state(), answer);
        after.forEach(board::saw);

        List<String> evicted = after.stream()
                .filter(v -> v != mine && before.containsKey(v.instanceId())
                        && v.checkpoints() > before.get(v.instanceId()).checkpoints())
                .map(InstanceView::instanceId).toList();
        String how = mineBefore == null ? "started" : switch (mineBefore.state()) {
            case CHECKPOINTED -> "restored";
            case PAUSED -> "thawed";
            default -> "was running";
        };
        say("→ %s  %7s  %s%s", answer.verdict(), Durations.format(answer.took()), how,
                evicted.isEmpty() ? "" : "; checkpointed " + String.join(", ", evicted) + " to make room");
        return (int) after.stream().filter(v -> v.state().resident()).count();
    }

    private void summarize() {
        heading("Summary");
        out.print(board.table(node.instances()));
        out.println("STATES: where each instance rested, in order (BUSY and the -ING steps left out); (…)×n repeats.");
        out.println("MEDIAN WAKE: how long the caller waited for a suspended instance's answer, restore or thaw included"
                + " (in step 3 also the checkpoint that made room).");
        out.println();
        problems.forEach(p -> out.println("✗ " + p));
        boolean allRight = board.correct() == board.answers();
        say("%s %d of %d answers were correct%s", allRight && problems.isEmpty() ? "✓" : "✗", board.correct(), board.answers(),
                allRight ? ": every counter went on counting across its checkpoints, restores and pauses." : ".");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** Deploys one counter, saying so. */
    private Counter deploy(String name, String example, Map<String, String> environment, SuspendPolicy.Mode mode,
                           Duration idle) throws IOException {
        step("deploy %s", name);
        FunctionConfiguration fn = create(name, example, environment, mode, idle);
        say("→ %s of %s code%s", ByteSize.format(fn.codeSize()), example,
                environment.isEmpty() ? "" : ", " + environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(" ")));
        return new Counter(name);
    }

    private FunctionConfiguration create(String name, String example, Map<String, String> environment,
                                         SuspendPolicy.Mode mode, Duration idle) throws IOException {
        return node.createFunction(name, Examples.zip(example), MEMORY_MIB, TIMEOUT_SECONDS, environment,
                new SuspendPolicy(mode, idle).toTags());
    }

    private void record(InstanceView instance, InstanceState before, Counter.Answer answer) {
        if (instance == null) {
            problem("no instance answered (%s)", answer.problem());
            return;
        }
        board.saw(instance);
        board.answered(instance.instanceId(), instance.function(), before, answer);
    }

    /** Polls until the function's instance is in {@code wanted}, for at most {@link #SUSPEND_WAIT}. */
    private InstanceView awaitState(String function, InstanceState wanted) throws InterruptedException {
        long deadline = System.nanoTime() + SUSPEND_WAIT.toNanos();
        InstanceView v;
        do {
            if (stopping) throw new Stopped();
            v = instanceOf(function).orElse(null);
            if (v != null && v.state() == wanted) return v;
            Thread.sleep(POLL);
        } while (System.nanoTime() < deadline);
        return v;
    }

    private Optional<InstanceView> instanceOf(String function) {
        return node.instances().stream().filter(v -> v.function().equals(function)).findFirst();
    }

    private static Map<String, InstanceView> byId(List<InstanceView> views) {
        return views.stream().collect(Collectors.toMap(InstanceView::instanceId, Function.identity()));
    }

    private static String resident(InstanceView v) {
        return v == null ? "?" : ByteSize.format(v.residentMemoryBytes());
    }

    private void problem(String format, Object... args) {
        String p = String.format(format, args);
        problems.add(p);
        say("✗ %s", p);
    }

    private void heading(String format, Object... args) {
        out.println();
        say(format, args);
    }

    /** Starts a line whose outcome {@link #say} finishes when it is known: progress as it happens. */
    private void step(String format, Object... args) {
        if (stopping) throw new Stopped();
        out.print("   " + String.format(format, args) + " ");
        out.flush();
    }

    private void say(String format, Object... args) {
        out.println(String.format(format, args));
        out.flush();
    }

    /** The URL to reach a node listening on {@code a}; one listening on every address is reached on loopback. */
    private static String endpoint(InetSocketAddress a) {
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static String lastWord(String s) {
        String t = s == null ? "" : s.strip();
        return t.substring(t.lastIndexOf(' ') + 1);
    }

    /** A new temporary directory, or the one given, which must be new or empty: the demo deploys its own functions. */
    private Path dataDir() throws IOException {
        if (options.data() == null) return Files.createTempDirectory("torpor-demo-");
        Path d = options.data().toAbsolutePath();
        if (Files.isDirectory(d) && !PathUtils.isEmptyDirectory(d)) {
            throw new IllegalArgumentException("--data " + d + " is not empty: the demo needs a node of its own");
        }
        return Files.createDirectories(d);
    }

    /** Checkpoint and restore counts summed over instances. */
    private record Totals(long checkpoints, long restores) {
        static Totals of(List<InstanceView> views) {
            return new Totals(views.stream().mapToLong(InstanceView::checkpoints).sum(),
                    views.stream().mapToLong(InstanceView::restores).sum());
        }
    }

    /**
     * Stops the node once, at the end or on Ctrl-C: its instances removed (or, with --keep, checkpointed by the
     * node's own shutdown so a {@code torpor node --data} on the same directory finds them), and a temporary data
     * directory deleted. On a signal the demo first finishes the step under way, so no container is being started
     * while the instances are removed.
     */
    private final class Shutdown implements Runnable {
        private static final Duration STEP_END_WAIT = Duration.ofSeconds(60);
        final Thread onSignal = new Thread(this::stopAfterTheStep, "demo-stop");
        private final CountDownLatch stopped = new CountDownLatch(1);
        private final Node server;
        private final Path data;
        private boolean done;

        Shutdown(Node server, Path data) {
            this.server = server;
            this.data = data;
        }

        private void stopAfterTheStep() {
            stopping = true;
            try {
                stopped.await(STEP_END_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            run();
        }

        @Override
        public synchronized void run() {
            if (done) return;
            done = true;
            try {
                stop();
            } finally {
                stopped.countDown();
            }
            if (Thread.currentThread() != onSignal) {
                try {
                    Runtime.getRuntime().removeShutdownHook(onSignal);
                } catch (IllegalStateException e) {
                    // the JVM is stopping already: the hook is running and will find the work done
                }
            }
        }

        private void stop() {
            if (!options.keep()) {
                server.instances().list().forEach(s -> server.instances().retire(s.function()));
            }
            server.close();
            out.println();
            if (options.keep()) {
                say("Node stopped. Its data stays in %s: `torpor node --data %s` takes it back.", data, data);
            } else if (options.data() == null) {
                try {
                    PathUtils.deleteDirectory(data);
                    say("Node stopped, its instances removed and %s deleted.", data);
                } catch (IOException e) {
                    say("Node stopped and its instances removed; %s could not be deleted: %s", data, e.getMessage());
                }
            } else {
                say("Node stopped and its instances removed; the functions stay in %s.", data);
            }
        }
    }
}
