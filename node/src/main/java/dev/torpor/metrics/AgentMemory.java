package dev.torpor.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/** The agent's own memory: the JVM heap, and the whole process as the kernel counts it (what the edge device pays). */
final class AgentMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private final MemoryMXBean jvm = ManagementFactory.getMemoryMXBean();

    long heapUsedBytes() {
        return jvm.getHeapMemoryUsage().getUsed();
    }

    long heapCommittedBytes() {
        return jvm.getHeapMemoryUsage().getCommitted();
    }

    /** VmRSS of /proc/self/status, which the kernel gives in kB. */
    long residentBytes() {
        try {
            return Files.readAllLines(STATUS).stream().filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024)
                    .findFirst().orElseThrow(() -> new IllegalStateException("no VmRSS in " + STATUS));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + STATUS, e);
        }
    }
}
