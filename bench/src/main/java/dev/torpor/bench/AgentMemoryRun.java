package dev.torpor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.bench.Results.AgentMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The node agent's own memory, measured as deployed: the node jar in its own JVM with the launcher's JVM options,
 * 50 functions created through the API, some of them invoked once and then left to their idle policy (checkpoint),
 * and the agent's resident set read from /proc once everything is idle.
 */
final class AgentMemoryRun {
    final List<AgentMemory> samples = new ArrayList<>();

    void run(Path nodeJar, Path work, int functions, int invoked) throws Exception {
        Path data = work.resolve("agent");
        try (NodeProcess node = NodeProcess.start(nodeJar, data, "127.0.0.1:0", List.of("--memory-budget", "4GiB", "--node-id", "bench-agent"))) {
            TorporApi api = new TorporApi(node.endpoint());
            long pid = node.process().pid();
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
