package dev.torpor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node as deployed: the node jar in its own JVM with the launcher's JVM options ({@code TORPOR_JAVA_OPTS}, which
 * ./torpor bench exports as ./torpor node would use them), started with {@code torpor node} and stopped with SIGTERM.
 * Its output goes to {@code log}, beside its data directory (which a new start empties).
 */
record NodeProcess(Path data, Path log, String endpoint, Process process) implements AutoCloseable {
    /** The launcher's options; only used when the jar is run by hand, without TORPOR_JAVA_OPTS. */
    static final String FALLBACK_JAVA_OPTS = "-XX:+UseSerialGC -Xms8m -Xmx256m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 "
            + "-XX:-ShrinkHeapInSteps -Xss512k -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1 "
            + "-XX:CICompilerCount=1 -XX:TrimNativeHeapInterval=5000";
    private static final Pattern LISTENING = Pattern.compile("listening on (http://[0-9.]+:[0-9]+)");
    private static final Duration START = Duration.ofSeconds(60);

    static String javaOpts() {
        return System.getenv().getOrDefault("TORPOR_JAVA_OPTS", FALLBACK_JAVA_OPTS);
    }

    /**
     * Starts {@code torpor node --listen LISTEN --data DATA} (DATA emptied first) plus {@code args}, and waits until
     * it says where it listens.
     */
    static NodeProcess start(Path nodeJar, Path data, String listen, List<String> args) throws Exception {
        if (!Files.isRegularFile(nodeJar)) throw new BenchException("the node jar " + nodeJar + " is missing (build it first)");
        Sh.run(List.of("rm", "-rf", data.toString()));
        Path log = data.resolveSibling(data.getFileName() + ".log");
        List<String> argv = new ArrayList<>();
        argv.add(ProcessHandle.current().info().command().orElse("java"));
        argv.addAll(List.of(javaOpts().strip().split("\\s+")));
        argv.add("--enable-native-access=ALL-UNNAMED");
        argv.add("-Djava.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n"); // with the time, to line up with the bench's
        argv.addAll(List.of("-jar", nodeJar.toString(), "node", "--listen", listen, "--data", data.toString()));
        argv.addAll(args);
        Process p = Sh.builder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        long deadline = System.nanoTime() + START.toNanos();
        while (p.isAlive() && System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) return new NodeProcess(data, log, m.group(1), p);
            Thread.sleep(20);
        }
        boolean exited = !p.isAlive();
        stop(p, data);
        throw new BenchException("the node on " + listen + (exited ? " exited" : " did not start within " + START)
                + "; its output, " + log + ":\n" + tail(log));
    }

    /** The end of what the node printed, for an error message. */
    static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.length() <= 3000 ? s : "…" + s.substring(s.length() - 3000);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM (the node closes itself), then whatever it left: containers and network namespaces. */
    @Override
    public void close() {
        stop(process, data);
    }

    private static void stop(Process p, Path data) {
        p.destroy();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        TorporNodes.sweep(data);
    }
}
