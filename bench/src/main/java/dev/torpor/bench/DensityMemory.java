package dev.torpor.bench;

import dev.torpor.bench.Results.MemoryMoment;
import dev.torpor.node.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples a node's function memory while a density climb runs, every {@link #EVERY}, from a thread of its own: the
 * memory-over-time plot of the report. Each step takes the samples taken since the one before.
 */
final class DensityMemory implements AutoCloseable {
    static final Duration EVERY = Duration.ofMillis(250);

    private final Node node;
    private final long startNanos = System.nanoTime();
    private final List<MemoryMoment> since = new ArrayList<>();
    private final Thread sampler;

    DensityMemory(Node node) {
        this.node = node;
        sampler = Thread.ofPlatform().daemon().name("density-memory").start(this::sample);
    }

    /** The samples taken since the last call. */
    synchronized List<MemoryMoment> take() {
        List<MemoryMoment> taken = List.copyOf(since);
        since.clear();
        return taken;
    }

    private void sample() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                var instances = node.instances();
                long resident = instances.list().stream().mapToLong(s -> instances.residentBytes(s.id())).sum();
                MemoryMoment m = new MemoryMoment((System.nanoTime() - startNanos) / 1e9, resident, instances.budget().usedBytes());
                synchronized (this) {
                    since.add(m);
                }
                Thread.sleep(EVERY); // a sampling period, not a wait for a condition
            }
        } catch (InterruptedException e) {
            // closed
        } catch (RuntimeException e) {
            Progress.say("density memory sampling stopped: %s", e); // the climb goes on; the plot shows what was sampled
        }
    }

    @Override
    public void close() throws InterruptedException {
        sampler.interrupt();
        sampler.join();
    }
}
