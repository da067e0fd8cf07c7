package dev.torpor.checkpoint.criu;

import static dev.torpor.checkpoint.criu.PagemapEntry.PAGE_SIZE;
import static dev.torpor.checkpoint.criu.PagemapEntry.PE_LAZY;
import static dev.torpor.checkpoint.criu.PagemapEntry.PE_PRESENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.TorporException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostCopyImageTest {
    private static final long HEAP = 0x1c000;
    private static final long LIB = 0x20000;
    private static final long STACK = 0x30000;
    private static final long VDSO = 0x40000;
    private static final int PID = 7;

    @TempDir
    Path full;

    @TempDir
    Path thin;

    /** Heap (4 pages) runs straight into a library's data (2 pages), one entry as CRIU may merge them. */
    private void writeImage() throws Exception {
        SyntheticImage.write(full, PID,
                List.of(new PagemapEntry(HEAP, 6, PE_PRESENT), new PagemapEntry(STACK, 4, PE_PRESENT), new PagemapEntry(VDSO, 2, PE_PRESENT)),
                List.of(new SyntheticImage.Area(HEAP, LIB, SyntheticImage.ANON_PRIVATE, SyntheticImage.REGULAR),
                        new SyntheticImage.Area(LIB, LIB + 0x2000, SyntheticImage.FILE_PRIVATE, SyntheticImage.REGULAR),
                        new SyntheticImage.Area(STACK, STACK + 0x4000, SyntheticImage.ANON_PRIVATE, SyntheticImage.REGULAR),
                        new SyntheticImage.Area(VDSO, VDSO + 0x2000, SyntheticImage.ANON_PRIVATE, SyntheticImage.VDSO)),
                STACK + 0x2010);
        Files.writeString(full.resolve("inventory.img"), "kept as it is");
    }

    @Test
    void onlyPrivateAnonymousPagesAwayFromTheStackPointerBecomeLazy() throws Exception {
        writeImage();
        PostCopyImage.Split split = PostCopyImage.cut(full, thin, Set.of());

        assertThat(Pagemap.read(thin.resolve("pagemap-7.img")).entries()).containsExactly(
                new PagemapEntry(HEAP, 4, PE_LAZY),
                new PagemapEntry(LIB, 2, PE_PRESENT),
                new PagemapEntry(STACK, 1, PE_LAZY),
                new PagemapEntry(STACK + 0x1000, 2, PE_PRESENT), // the page below the stack pointer's, and its own
                new PagemapEntry(STACK + 0x3000, 1, PE_LAZY),
                new PagemapEntry(VDSO, 2, PE_PRESENT));
        assertThat(split).isEqualTo(new PostCopyImage.Split(6, 6));
        assertThat(Files.readString(thin.resolve("inventory.img"))).isEqualTo("kept as it is");
    }

    @Test
    void theCutPagesFileHoldsTheEagerPagesInPagemapOrder() throws Exception {
        writeImage();
        PostCopyImage.cut(full, thin, Set.of());

        byte[] pages = Files.readAllBytes(thin.resolve("pages-7.img"));
        long[] expected = {LIB, LIB + 0x1000, STACK + 0x1000, STACK + 0x2000, VDSO, VDSO + 0x1000};
        assertThat(pages).hasSize(expected.length * PAGE_SIZE);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Arrays.copyOfRange(pages, i * PAGE_SIZE, (i + 1) * PAGE_SIZE)).isEqualTo(SyntheticImage.page(expected[i]));
        }
    }

    @Test
    void theFullImageServesAnyPageAcrossEntries() throws Exception {
        writeImage();
        try (PageIndex index = new PageIndex(full)) {
            byte[] two = index.read(PID, LIB + 0x1000, 1);
            assertThat(two).isEqualTo(SyntheticImage.page(LIB + 0x1000));
            byte[] heap = index.read(PID, HEAP + 0x3000, 3); // the heap's last page and the library's two
            assertThat(Arrays.copyOfRange(heap, 2 * PAGE_SIZE, 3 * PAGE_SIZE)).isEqualTo(SyntheticImage.page(LIB + 0x1000));
            assertThatThrownBy(() -> index.read(PID, STACK + 0x4000, 1)).isInstanceOf(TorporException.class).hasMessageContaining("no page at 0x34000");
            assertThatThrownBy(() -> index.read(99, HEAP, 1)).isInstanceOf(TorporException.class).hasMessageContaining("no process 99");
        }
    }

    @Test
    void anEntryRoundTripsAndNewerCriusPageCountWins() {
        PagemapEntry e = new PagemapEntry(0x7f0000001000L, 5_000_000_000L, PE_LAZY);
        assertThat(PagemapEntry.decode(e.encode())).isEqualTo(e);
        byte[] old = SyntheticImage.message(out -> {
            out.writeUInt64(1, 0x1000);
            out.writeUInt32(2, 3);
        });
        assertThat(PagemapEntry.decode(old)).isEqualTo(new PagemapEntry(0x1000, 3, PE_PRESENT));
    }

    @Test
    void anImageOfAnotherKindIsRefused() throws Exception {
        writeImage();
        Files.copy(full.resolve("mm-7.img"), full.resolve("pagemap-7.img"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> PostCopyImage.cut(full, thin, Set.of())).isInstanceOf(TorporException.class)
                .hasMessageContaining("pagemap-7.img");
    }
}
