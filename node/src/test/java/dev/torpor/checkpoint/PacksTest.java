package dev.torpor.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PacksTest {
    private static final long LARGE_PACK = 64 << 20;
    /** Room for four 4 KiB chunks with their headers. */
    private static final long SMALL_PACK = 4 * (4096 + 36);

    @TempDir
    Path dir;

    private final List<Packs> opened = new java.util.ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (Packs p : opened) p.close();
    }

    private Packs open(long maxPackBytes) throws IOException {
        Packs packs = new Packs(dir, maxPackBytes);
        opened.add(packs);
        return packs;
    }

    private static byte[] page(int i) {
        return TestImages.randomPage(3, i);
    }

    private static String id(int i) {
        return Sha256.hex(page(i), 0, 4096);
    }

    private static void append(Packs packs, int... pages) throws IOException {
        for (int i : pages) packs.append(id(i), page(i));
    }

    @Test
    void chunksAreReadBackAndSurviveAReopen() throws Exception {
        Packs packs = open(LARGE_PACK);
        append(packs, 0, 1, 2, 1);
        packs.sync();

        Packs again = open(LARGE_PACK);

        for (int i = 0; i < 3; i++) assertThat(again.read(id(i))).isEqualTo(page(i));
        assertThat(again.read(id(3))).isNull();
        assertThat(TestImages.names(dir)).containsExactly("1.pack");
    }

    @Test
    void aFullPackIsSealedAndTheNextOneOpened() throws Exception {
        Packs packs = open(SMALL_PACK);
        append(packs, IntStream.range(0, 10).toArray());

        assertThat(TestImages.names(dir)).containsExactly("1.pack", "2.pack", "3.open");
        for (int i = 0; i < 10; i++) assertThat(packs.read(id(i))).isEqualTo(page(i));
    }

    @Test
    void aRecordCutOffByACrashIsDroppedAndTheRestKept() throws Exception {
        Packs packs = open(LARGE_PACK);
        append(packs, 0, 1);
        // A crash in the middle of writing the third record: its header and half its data.
        byte[] torn = new byte[36 + 2048];
        System.arraycopy(java.util.HexFormat.of().parseHex(id(2)), 0, torn, 0, 32);
        torn[34] = 0x10; // length 4096
        Files.write(dir.resolve("1.open"), torn, StandardOpenOption.APPEND);

        Packs again = open(LARGE_PACK);

        assertThat(again.contains(id(0)) && again.contains(id(1))).isTrue();
        assertThat(again.contains(id(2))).isFalse();
        assertThat(Files.size(dir.resolve("1.pack"))).isEqualTo(2 * (36 + 4096) + 2 * 44 + 16);
        append(again, 2);
        assertThat(again.read(id(2))).isEqualTo(page(2));
    }

    @Test
    void aRecordWhoseDataNeverReachedTheDiskIsDroppedWithAllAfterIt() throws Exception {
        Packs packs = open(LARGE_PACK);
        append(packs, 0, 1, 2);
        flip(dir.resolve("1.open"), (36 + 4096) + 36 + 100);

        Packs again = open(LARGE_PACK);

        assertThat(again.contains(id(0))).isTrue();
        assertThat(again.contains(id(1)) || again.contains(id(2))).isFalse();
    }

    @Test
    void aSealedPackWithADamagedIndexIsReadRecordByRecord() throws Exception {
        Packs packs = open(SMALL_PACK);
        append(packs, 0, 1, 2, 3, 4);
        Path sealed = dir.resolve("1.pack");
        flip(sealed, Files.size(sealed) - 1);

        Packs again = open(SMALL_PACK);

        for (int i = 0; i < 5; i++) assertThat(again.read(id(i))).isEqualTo(page(i));
    }

    @Test
    void aChunkDamagedOnDiskIsNotReturned() throws Exception {
        Packs packs = open(SMALL_PACK);
        append(packs, 0, 1, 2, 3, 4);
        flip(dir.resolve("1.pack"), 36 + 10);

        assertThatThrownBy(() -> packs.read(id(0)))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED))
                .hasMessageContaining("does not match its hash");
    }

    @Test
    void retainDeletesDeadPacksRewritesMostlyDeadOnesAndKeepsWhatCameAfterTheLastCommit() throws Exception {
        Packs packs = open(SMALL_PACK);
        append(packs, 0, 1, 2, 3, /* pack 2 */ 4, 5, 6, 7, /* pack 3 */ 8, 9, 10, 11, /* open pack 4 */ 12);
        packs.sync();
        packs.markCommitted();
        append(packs, 13); // an upload in flight
        ChunkIndex live = new ChunkIndex();
        for (int i : new int[] {4, /* pack 3 mostly live */ 8, 9, 10, /* open pack */ 12}) live.put(id(i), 0);

        int forgotten = packs.retain(live);

        assertThat(forgotten).isEqualTo(4 + 3 + 1);
        assertThat(TestImages.names(dir)).containsExactly("3.pack", "4.open");
        for (int i : new int[] {4, 8, 9, 10, 12, 13}) assertThat(packs.read(id(i))).as("chunk %d", i).isEqualTo(page(i));
        for (int i : new int[] {0, 3, 5, 11}) assertThat(packs.contains(id(i))).as("chunk %d", i).isFalse();
        Packs again = open(SMALL_PACK);
        assertThat(again.read(id(4))).isEqualTo(page(4));
    }

    private static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 1);
        }
    }
}
