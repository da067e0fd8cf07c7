package dev.torpor.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkStoreTest {
    @TempDir
    Path tmp;

    private final List<ChunkStore> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(ChunkStore::close);
    }

    private ChunkStore store(int keep) {
        ChunkStore store = new ChunkStore(tmp.resolve("peer"), keep);
        opened.add(store);
        return store;
    }

    /** What one backup ships: the chunks the store lacks, over the wire. */
    private record Shipped(int chunks, long wireBytes, ChunkStore.Snapshot snapshot) {}

    private static Shipped backup(ChunkStore store, String key, CheckpointStore.Image image) {
        Recipe recipe = Recipe.of(image.dir());
        Set<String> missing = store.missing(recipe.chunkIds());
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        long bytes = ChunkWire.writeChunks(new ChunkSource(image.dir(), recipe), missing, wire);
        int received = ChunkWire.readChunks(new ByteArrayInputStream(wire.toByteArray()), store);
        assertThat(received).isEqualTo(missing.size());
        return new Shipped(received, bytes, store.commit(key, recipe, image.manifest()));
    }

    private CheckpointStore.Image image(String node, String instance, int pages, TestImages.PageContent page) throws Exception {
        return TestImages.image(tmp.resolve(node), instance, pages, page);
    }

    @Test
    void aSecondBackupWithOneChangedPageShipsOneChunk() throws Exception {
        int pages = 25 * 256; // 25 MB
        CheckpointStore.Image first = image("a", "fn", pages, i -> TestImages.randomPage(1, i));
        CheckpointStore.Image second = image("b", "fn", pages, i -> TestImages.randomPage(i == 1000 ? 2 : 1, i));
        ChunkStore store = store(5);

        Shipped one = backup(store, "fn", first);
        Shipped two = backup(store, "fn", second);

        assertThat(one.chunks()).isEqualTo(pages + 4); // every page, and the small files but the empty one
        assertThat(one.wireBytes()).isGreaterThan(25L << 20);
        assertThat(two.chunks()).isEqualTo(1);
        assertThat(two.wireBytes()).isLessThan(4096 + 100);
        assertThat(store.history("fn")).containsExactly(1L, 2L);
    }

    @Test
    void pagesSharedByTwoFunctionsTravelOnceEvenWhenTheirMappingsMoved() throws Exception {
        CheckpointStore.Image f = image("a", "f", 1000, i -> TestImages.randomPage(7, i));
        // g has 500 pages of its own, then f's pages 500 pages further on.
        CheckpointStore.Image g = image("a2", "g", 1500, i -> i < 500 ? TestImages.randomPage(8, i) : TestImages.randomPage(7, i - 500));
        ChunkStore store = store(5);
        backup(store, "f", f);

        Shipped shipped = backup(store, "g", g);

        assertThat(shipped.chunks()).isEqualTo(500 + 4);
    }

    @Test
    void materializeRebuildsTheImageByteForByte() throws Exception {
        CheckpointStore.Image image = image("a", "fn", 300, i -> i % 3 == 0 ? null : TestImages.randomPage(1, i));
        ChunkStore store = store(5);
        long seq = backup(store, "fn", image).snapshot().seq();

        Manifest m = store.materialize("fn", seq, tmp.resolve("restored/fn"));

        Path restored = tmp.resolve("restored/fn");
        assertThat(TestImages.names(restored)).isEqualTo(TestImages.names(image.dir()));
        for (Manifest.FileEntry f : image.manifest().files()) {
            assertThat(Files.mismatch(image.dir().resolve(f.name()), restored.resolve(f.name()))).as(f.name()).isEqualTo(-1);
        }
        assertThat(m).isEqualTo(image.manifest());
        assertThat(DirectoryCheckpointStore.read(restored)).isEqualTo(image.manifest());
        assertThat(TestImages.names(tmp.resolve("restored"))).containsExactly("fn");
    }

    @Test
    void snapshotsAndChunksSurviveAReopen() throws Exception {
        CheckpointStore.Image image = image("a", "fn", 20, i -> TestImages.randomPage(1, i));
        backup(store(5), "fn", image);

        ChunkStore again = store(5);

        assertThat(again.latest("fn")).hasValueSatisfying(s -> assertThat(s.manifest()).isEqualTo(image.manifest()));
        assertThat(again.missing(Recipe.of(image.dir()).chunkIds())).isEmpty();
        again.materialize("fn", 1, tmp.resolve("restored"));
        assertThat(Files.mismatch(image.dir().resolve("pages-1.img"), tmp.resolve("restored/pages-1.img"))).isEqualTo(-1);
    }

    @Test
    void historyIsBoundedAndGcDropsOnlyTheChunksNoSnapshotNeeds() throws Exception {
        ChunkStore store = store(2);
        List<CheckpointStore.Image> images = new ArrayList<>();
        for (int v = 1; v <= 3; v++) {
            int version = v;
            // 100 shared pages and one of its own.
            CheckpointStore.Image image = image("v" + v, "fn", 101, i -> i < 100 ? TestImages.randomPage(9, i) : TestImages.randomPage(10 + version, i));
            images.add(image);
            backup(store, "fn", image);
        }
        String firstsOwn = Sha256.hex(TestImages.randomPage(11, 100), 0, 4096);
        String shared = Sha256.hex(TestImages.randomPage(9, 0), 0, 4096);

        assertThat(store.history("fn")).containsExactly(2L, 3L);
        assertThat(store.latest("fn")).hasValueSatisfying(s -> assertThat(s.seq()).isEqualTo(3));
        assertThat(store.gc()).isEqualTo(1);
        assertThat(store.missing(List.of(firstsOwn, shared))).containsExactly(firstsOwn);
        assertThatThrownBy(() -> store.materialize("fn", 1, tmp.resolve("gone")))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        store.materialize("fn", 2, tmp.resolve("second"));
        assertThat(Files.mismatch(images.get(1).dir().resolve("pages-1.img"), tmp.resolve("second/pages-1.img"))).isEqualTo(-1);
    }

    @Test
    void gcSparesChunksOfAnUploadNotCommittedYet() throws Exception {
        ChunkStore store = store(5);
        byte[] page = TestImages.randomPage(5, 0);
        String id = Sha256.hex(page, 0, page.length);
        store.put(id, page);

        assertThat(store.gc()).isZero();
        assertThat(store.missing(List.of(id))).isEmpty();
    }

    @Test
    void aSnapshotWithAChunkMissingIsNotCommitted() throws Exception {
        CheckpointStore.Image image = image("a", "fn", 10, i -> TestImages.randomPage(1, i));
        Recipe recipe = Recipe.of(image.dir());
        ChunkSource source = new ChunkSource(image.dir(), recipe);
        ChunkStore store = store(5);
        List<String> ids = new ArrayList<>(recipe.chunkIds());
        for (String id : ids.subList(1, ids.size())) store.put(id, source.read(id));

        assertThatThrownBy(() -> store.commit("fn", recipe, image.manifest()))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT))
                .hasMessageContaining("1 of its chunks are not stored, e.g. " + ids.getFirst());
        assertThat(store.latest("fn")).isEmpty();
        assertThat(store.history("fn")).isEmpty();
    }

    @Test
    void aCorruptChunkIsRefused() {
        ChunkStore store = store(5);
        byte[] page = TestImages.randomPage(1, 0);
        String id = Sha256.hex(page, 0, page.length);
        page[7] ^= 1;

        assertThatThrownBy(() -> store.put(id, page))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED))
                .hasMessageContaining("does not match its hash");
        assertThat(store.missing(List.of(id))).containsExactly(id);
    }

    @Test
    void whatACrashLeftHalfWrittenIsIgnoredAndCleanedUp() throws Exception {
        CheckpointStore.Image image = image("a", "fn", 10, i -> TestImages.randomPage(1, i));
        ChunkStore store = store(5);
        backup(store, "fn", image);
        byte[] extra = TestImages.randomPage(2, 0);
        String extraId = Sha256.hex(extra, 0, extra.length);
        store.put(extraId, extra);
        // The crash: half of a chunk record at the end of the open pack, and a snapshot that was being written.
        Files.write(tmp.resolve("peer/packs/1.open"), new byte[2000], java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(tmp.resolve("peer/snapshots/fn/2.json.tmp"), "{\"key\":\"fn\",\"se");

        ChunkStore again = store(5);

        assertThat(again.history("fn")).containsExactly(1L);
        assertThat(again.missing(List.of(extraId))).isEmpty();
        assertThat(tmp.resolve("peer/snapshots/fn/2.json.tmp")).doesNotExist();
        assertThat(TestImages.names(tmp.resolve("peer/packs"))).containsExactly("1.pack");
        again.materialize("fn", 1, tmp.resolve("restored"));
    }

    @Test
    void refusesARecipeThatDoesNotMatchItsManifestAndKeysThatAreNotNames() throws Exception {
        CheckpointStore.Image image = image("a", "fn", 2, i -> TestImages.randomPage(1, i));
        CheckpointStore.Image other = image("b", "fn", 3, i -> TestImages.randomPage(1, i));
        ChunkStore store = store(5);

        assertThatThrownBy(() -> store.commit("fn", Recipe.of(other.dir()), image.manifest()))
                .hasMessageContaining("list different files");
        assertThatThrownBy(() -> store.commit("../fn", Recipe.of(image.dir()), image.manifest()))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER));
    }
}
