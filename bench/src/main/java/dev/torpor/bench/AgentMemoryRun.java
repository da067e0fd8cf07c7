package dev.torpor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.bench.Results.AgentMemory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node agent's own memory, measured as deployed: the node jar in its own JVM with the launcher's JVM options,
 * 50 functions created through the API, some of them invoked once and then left to their idle policy (checkpoint),
 * and the agent's resident set read from /proc once everything is idle.
 */
final class AgentMemoryRun {
    /**
     * The node's JVM options come from the launcher (./torpor bench exports them as TORPOR_JAVA_OPTS, the same
     * variable ./torpor node reads); this is only the fallback when the jar is run by hand.
     */
    static final String FALLBACK_JAVA_OPTS = "-XX:+UseSerialGC -Xms8m -Xmx256m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 "
            + "-Xss512k -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1";
    private static final Pattern LISTENING = Pattern.compile("listening on http://([0-9.]+:[0-9]+)");

    final List<AgentMemory> samples = new ArrayList<>();

    void run(Path nodeJar, Path work, int functions, int invoked) throws Exception {
        if (!Files.isRegularFile(nodeJar)) throw new BenchException("the node jar " + nodeJar + " is missing (build it first)");
        Path data = work.resolve("agent");
        Sh.run(List.of("rm", "-rf", data.toString()));
        List<String> argv = new ArrayList<>();
        argv.add(ProcessHandle.current().info().command().orElse("java"));
        String opts = System.getenv().getOrDefault("TORPOR_JAVA_OPTS", FALLBACK_JAVA_OPTS);
        argv.addAll(List.of(opts.strip().split("\\s+")));
        argv.add("--enable-native-access=ALL-UNNAMED");
        argv.addAll(List.of("-jar", nodeJar.toString(), "node", "--listen", "127.0.0.1:0", "--data", data.toString(),
                "--memory-budget", "4GiB", "--node-id", "bench-agent"));
        Process p = Sh.builder(argv).redirectErrorStream(true).start();
        p.getOutputStream().close();
        CompletableFuture<String> endpoint = new CompletableFuture<>();
        StringBuilder log = new StringBuilder();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (log) {
                        if (log.length() < 20_000) log.append(line).append('\n');
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) endpoint.complete("http://" + m.group(1));
                }
            } catch (IOException e) {
                // the node ended
            }
            endpoint.complete(null);
        });
        try {
            String url = endpoint.get(60, TimeUnit.SECONDS);
            if (url == null) throw new BenchException("the node did not start: " + log);
            TorporApi api = new TorporApi(url);
            long pid = p.pid();
            Thread.sleep(2000);
            samples.add(new AgentMemory("torpor-agent", "started, nothing deployed", 0, 0, rss(pid), rssFile(pid)));

            for (int i = 0; i < functions; i++) api.create("f" + i, 128, 5, "checkpoint", 500);
            Thread.sleep(2000);
            samples.add(new AgentMemory("torpor-agent", "idle, functions deployed, never invoked", functions, 0, rss(pid), rssFile(pid)));
            Progress.say("agent: %d functions deployed, RSS %s", functions, Report.mib(rss(pid)));

            for (int i = 0; i < invoked; i++) {
                TorporApi.Reply r = api.invoke("f" + i);
                if (!r.ok()) throw new BenchException("invoke f" + i + " answered " + r.status() + ": " + r.body());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (checkpointed(api) < invoked) {
                if (System.nanoTime() > deadline) throw new BenchException("the agent's instances were not all checkpointed within 120 s");
                Thread.sleep(100);
            }
            Thread.sleep(3000);
            long idle = rss(pid);
            samples.add(new AgentMemory("torpor-agent", "idle, " + invoked + " invoked once then checkpointed by their idle policy",
                    functions, invoked, idle, rssFile(pid)));
            Progress.say("agent: %d functions, %d instances checkpointed, idle RSS %s", functions, invoked, Report.mib(idle));
        } finally {
            p.destroy(); // SIGTERM: the node closes itself
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            TorporNodes.sweep(data);
        }
    }

    private static int checkpointed(TorporApi api) throws IOException, InterruptedException {
        int n = 0;
        for (JsonNode i : api.instances()) if (i.get("state").asText().equals("CHECKPOINTED")) n++;
        return n;
    }

    /** VmRSS of a process, in bytes; 0 when it is gone. */
    static long rss(long pid) {
        return status(pid, "VmRSS:");
    }

    /** The file-backed part of the RSS (the JVM's own library, the CDS archive, jars): shared, reclaimable. */
    static long rssFile(long pid) {
        return status(pid, "RssFile:");
    }

    private static long status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    /** Resident memory of every process whose command name is {@code comm} (dockerd, containerd, conmon). */
    static long rssOfCommand(String comm) {
        long total = 0;
        for (ProcessHandle h : ProcessHandle.allProcesses().toList()) {
            try {
                String c = Files.readString(Path.of("/proc", Long.toString(h.pid()), "comm")).strip();
                if (c.equals(comm)) total += rss(h.pid());
            } catch (IOException e) {
                // gone meanwhile
            }
        }
        return total;
    }
}
