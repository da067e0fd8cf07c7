package dev.torpor.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.function.FunctionDefinition;
import dev.torpor.testing.Await;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The backup peer drops the chunks of copies it no longer keeps, and never those of a copy still arriving. */
@Timeout(60)
class ChunkCollectorTest {
    @TempDir
    Path tmp;

    private FakeNode a;
    private FakeNode b;

    @BeforeEach
    void nodes() throws InterruptedException {
        a = new FakeNode(tmp.resolve("a"), "edge-a");
        b = new FakeNode(tmp.resolve("b"), "edge-b");
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    private FunctionDefinition deployed(String name) {
        FunctionDefinition fn = FakeNode.function(name, "edge-b");
        a.deploy(fn);
        b.deploy(fn);
        return fn;
    }

    @Test
    void onlyTheChunksOfTheKeptCopiesStayOnDisk() throws Exception {
        FunctionDefinition fn = deployed("counter");
        a.invoke(fn, "x");
        String id = a.instanceOf(fn);
        List<Set<String>> copies = new ArrayList<>();
        for (int i = 0; i < 2 * BackupReceiver.KEEP; i++) {
            a.invoke(fn, "x"); // the memory changes between backups
            FakeNode.Upload upload = a.send(b, fn, id);
            upload.commit();
            copies.add(upload.chunks());
        }
        Set<String> kept = union(copies.subList(BackupReceiver.KEEP, copies.size()));
        Set<String> dropped = union(copies.subList(0, BackupReceiver.KEEP));
        dropped.removeAll(kept);
        assertThat(dropped).as("the memory changed: old copies have chunks of their own").isNotEmpty();

        Await.until("the old copies' chunks are gone", () -> b.chunks.missing(dropped).equals(dropped));
        assertThat(b.chunks.missing(kept)).as("every chunk of a kept copy").isEmpty();
        assertThat(b.packFiles()).as("packs of one chunk: one per kept chunk").isEqualTo(kept.size());
        assertThat(b.chunks.history(id)).hasSize(BackupReceiver.KEEP);
    }

    @Test
    void aCopyBeingReceivedKeepsItsChunksThroughAnotherCopysEviction() throws Exception {
        FunctionDefinition fn = deployed("counter");
        FunctionDefinition other = deployed("other");
        a.invoke(fn, "x");
        a.invoke(other, "y");
        String id = a.instanceOf(fn);
        String otherId = a.instanceOf(other);
        List<Set<String>> copies = new ArrayList<>();
        for (int i = 0; i < BackupReceiver.KEEP; i++) {
            a.invoke(fn, "x");
            FakeNode.Upload upload = a.send(b, fn, id);
            upload.commit();
            copies.add(upload.chunks());
        }
        FakeNode.Upload arriving = a.send(b, other, otherId); // its chunks are stored; its commit comes later
        // The oldest copy's own chunks: those it shares with later ones (the CPU's description) stay.
        Set<String> oldest = new HashSet<>(copies.getFirst());
        oldest.removeAll(union(copies.subList(1, copies.size())));
        oldest.removeAll(arriving.chunks());

        a.invoke(fn, "x");
        a.backUpTo(b, fn, id); // evicts the oldest copy of counter, while other's copy is still arriving
        Thread.sleep(200); // time enough for a collection, were one to run now

        assertThat(b.chunks.missing(arriving.chunks())).as("the arriving copy's chunks").isEmpty();
        arriving.commit();
        Set<String> evicted = oldest;
        Await.until("the evicted copy's chunks are gone once nothing is arriving", () -> b.chunks.missing(evicted).equals(evicted));
        assertThat(b.chunks.missing(arriving.chunks())).isEmpty();
        assertThat(b.backups.latestOf("other")).isPresent();
    }

    private static Set<String> union(List<Set<String>> sets) {
        Set<String> all = new HashSet<>();
        sets.forEach(all::addAll);
        return all;
    }
}
