package dev.torpor.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkWireTest {
    @TempDir
    Path tmp;

    private ChunkSource source;
    private List<String> pageIds;
    private ChunkStore store;

    @BeforeEach
    void setUp() throws Exception {
        CheckpointStore.Image image = TestImages.image(tmp.resolve("node"), "fn", 8, i -> TestImages.randomPage(1, i));
        Recipe recipe = Recipe.of(image.dir());
        source = new ChunkSource(image.dir(), recipe);
        pageIds = recipe.files().stream().filter(f -> f.name().equals("pages-1.img")).findFirst().orElseThrow().chunks();
        store = new ChunkStore(tmp.resolve("peer"));
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private byte[] wire(List<String> ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ChunkWire.writeChunks(source, ids, out)).isEqualTo(out.size());
        return out.toByteArray();
    }

    private int read(byte[] wire) {
        return ChunkWire.readChunks(new ByteArrayInputStream(wire), store);
    }

    @Test
    void shipsEachChunkOnceWithItsIdAndLength() throws Exception {
        List<String> ids = new ArrayList<>(pageIds.subList(0, 3));
        ids.add(pageIds.get(0));

        byte[] wire = wire(ids);

        assertThat(wire).hasSize(4 + 1 + 4 + 3 * (32 + 4 + 4096));
        assertThat(read(wire)).isEqualTo(3);
        for (String id : pageIds.subList(0, 3)) assertThat(store.get(id).readAllBytes()).isEqualTo(source.read(id));
        assertThat(store.missing(pageIds)).containsExactlyElementsOf(pageIds.subList(3, 8));
    }

    @Test
    void aCutOffStreamFailsButKeepsTheChunksThatArrivedWhole() {
        byte[] wire = wire(pageIds.subList(0, 3));
        byte[] cut = Arrays.copyOf(wire, 9 + (32 + 4 + 4096) + 1000);

        assertThatThrownBy(() -> read(cut))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED))
                .hasMessageContaining("ended after 1 chunks");
        assertThat(store.missing(pageIds.subList(0, 3))).containsExactlyElementsOf(pageIds.subList(1, 3));
    }

    @Test
    void aChunkDamagedInTransitIsNotStored() {
        byte[] wire = wire(pageIds.subList(0, 1));
        wire[wire.length - 1] ^= 1;

        assertThatThrownBy(() -> read(wire))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED))
                .hasMessageContaining("does not match its hash");
        assertThat(store.missing(pageIds.subList(0, 1))).hasSize(1);
    }

    @Test
    void refusesWhatIsNotAChunkStreamAndChunksTooLargeToHold() {
        assertThatThrownBy(() -> read("TPIA\u0001\u0000 an image archive".getBytes()))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INCOMPATIBLE_IMAGE))
                .hasMessageContaining("not a chunk stream");
        byte[] huge = ByteBuffer.allocate(9 + 36).put("TPCW".getBytes()).put((byte) 1).putInt(1).put(new byte[32]).putInt(Integer.MAX_VALUE).array();
        assertThatThrownBy(() -> read(huge)).hasMessageContaining("a chunk of 2147483647 bytes");
    }

    @Test
    void theSenderOnlyHasTheChunksOfItsImage() {
        assertThatThrownBy(() -> ChunkWire.writeChunks(source, List.of("00".repeat(32)), OutputStream.nullOutputStream()))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }
}
