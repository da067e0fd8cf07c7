package dev.torpor.cluster;

import dev.torpor.TorporException;
import dev.torpor.checkpoint.ChunkStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Drops the chunks of backup copies the peer no longer keeps. A collection is wanted once a commit pushed old copies
 * out, and runs off the request path, only while no upload is under way: an upload's offer was answered against the
 * chunks stored then, so until it commits, a chunk it counts on may belong to nothing committed (an evicted copy, or
 * its own chunks sent before another instance's commit) and must stay. Uploads and collections exclude each other.
 */
final class ChunkCollector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("torpor.backup");
    /** An upload not committed after this long was given up (its owner died mid-way): it protects nothing any more. */
    private static final Duration ABANDONED = Duration.ofHours(1);

    private final ChunkStore store;
    private final Clock clock;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("chunk-gc").factory());
    /** Uploads between their offer and their commit, by instance, with when they were offered. */
    private final Map<String, Instant> uploads = new HashMap<>();
    private boolean wanted;

    ChunkCollector(ChunkStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** An upload begins: from now until {@link #uploaded}, no chunk goes. Waits for a collection under way. */
    synchronized void uploading(String instanceId) {
        uploads.put(instanceId, clock.instant());
    }

    /** The upload ended, committed or refused. */
    synchronized void uploaded(String instanceId) {
        uploads.remove(instanceId);
        runIfQuiet();
    }

    /** Copies were dropped: their chunks are garbage once no upload needs them. */
    synchronized void evicted() {
        wanted = true;
        runIfQuiet();
    }

    private void runIfQuiet() {
        Instant givenUp = clock.instant().minus(ABANDONED);
        uploads.values().removeIf(offered -> offered.isBefore(givenUp));
        if (wanted && uploads.isEmpty()) runner.execute(this::collect);
    }

    /** Holds the lock throughout, so no upload starts meanwhile; one that started since it was queued defers it. */
    private synchronized void collect() {
        if (!wanted || !uploads.isEmpty()) return;
        wanted = false;
        try {
            int dropped = store.gc();
            LOG.log(System.Logger.Level.DEBUG, "dropped {0} chunks no kept backup needs", dropped);
        } catch (TorporException e) {
            wanted = true; // tried again after the next upload or eviction
            LOG.log(System.Logger.Level.WARNING, "collecting the chunks of old backups failed: {0}", e.getMessage());
        }
    }

    /** Lets a collection under way finish, so the store can be closed after. */
    @Override
    public void close() {
        runner.shutdown();
        try {
            runner.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
