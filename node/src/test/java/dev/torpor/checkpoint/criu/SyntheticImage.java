package dev.torpor.checkpoint.criu;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes the CRIU image files post-copy reads (pagemap, pages, mm, core) for one process, as CRIU lays them out. */
final class SyntheticImage {
    static final long ANON_PRIVATE = 0x22;
    static final long FILE_PRIVATE = 0x02;
    static final long REGULAR = 1;
    static final long VDSO = 1 | 1 << 3;

    record Area(long start, long end, long flags, long status) {}

    private SyntheticImage() {}

    /** Pages of {@code entries} (all present) filled with their own page number, so any misplaced page shows. */
    static void write(Path dir, int pid, List<PagemapEntry> entries, List<Area> areas, long stackPointer) throws IOException {
        List<byte[]> pagemap = new ArrayList<>();
        pagemap.add(message(out -> out.writeUInt32(1, pid)));
        ByteArrayOutputStream pages = new ByteArrayOutputStream();
        for (PagemapEntry e : entries) {
            pagemap.add(e.encode());
            for (long p = 0; p < e.nrPages(); p++) pages.write(page(e.vaddr() + p * PagemapEntry.PAGE_SIZE));
        }
        new CriuImageFile(List.of(CriuImageFile.COMMON_MAGIC, CriuImageFile.PAGEMAP), pagemap).write(dir.resolve("pagemap-" + pid + ".img"));
        Files.write(dir.resolve("pages-" + pid + ".img"), pages.toByteArray());
        byte[] mm = message(out -> {
            out.writeUInt64(1, 0x400000);
            for (Area a : areas) {
                out.writeByteArray(14, message(v -> {
                    v.writeUInt64(1, a.start());
                    v.writeUInt64(2, a.end());
                    v.writeUInt64(3, 0);
                    v.writeUInt64(4, 0);
                    v.writeUInt32(5, 3);
                    v.writeUInt32(6, (int) a.flags());
                    v.writeUInt32(7, (int) a.status());
                    v.writeSInt64(8, -1);
                }));
            }
        });
        new CriuImageFile(List.of(CriuImageFile.COMMON_MAGIC, CriuImageFile.MM), List.of(mm)).write(dir.resolve("mm-" + pid + ".img"));
        byte[] core = message(out -> {
            out.writeUInt32(1, 1); // mtype x86-64
            out.writeByteArray(2, message(ti -> ti.writeByteArray(2, message(regs -> regs.writeUInt64(20, stackPointer)))));
            out.writeByteArray(3, message(tc -> tc.writeUInt32(1, 1))); // alive
        });
        new CriuImageFile(List.of(CriuImageFile.COMMON_MAGIC, CriuImageFile.CORE), List.of(core)).write(dir.resolve("core-" + pid + ".img"));
    }

    /** A page whose every long is its own address: where it came from can be read back. */
    static byte[] page(long vaddr) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(PagemapEntry.PAGE_SIZE);
        while (b.hasRemaining()) b.putLong(vaddr);
        return b.array();
    }

    interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    static byte[] message(Fields fields) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            fields.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
