package dev.torpor.checkpoint.criu;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A run of pages in a pagemap: where it starts, how many pages, and where their contents are. */
public record PagemapEntry(long vaddr, long nrPages, int flags) {
    public static final int PAGE_SIZE = 4096;
    /** The pages are in a parent image (incremental dumps). */
    public static final int PE_PARENT = 1;
    /** The pages may be restored after the process runs, by CRIU's lazy-pages daemon. */
    public static final int PE_LAZY = 1 << 1;
    /** The pages are in this image's pages file. */
    public static final int PE_PRESENT = 1 << 2;

    // pagemap_entry: vaddr = 1, nr_pages = 2 (uint32), flags = 4, and nr_pages = 5 (uint64) in newer CRIUs.
    static PagemapEntry decode(byte[] message) {
        ProtoFields f = ProtoFields.parse(message);
        long nr = f.varint(5).orElseGet(() -> f.require(2));
        return new PagemapEntry(f.require(1), nr, f.varint(4).orElse((long) PE_PRESENT).intValue());
    }

    byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(24);
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeUInt64(1, vaddr);
            out.writeUInt32(2, (int) nrPages);
            out.writeUInt32(4, flags);
            out.writeUInt64(5, nrPages);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long end() {
        return vaddr + nrPages * PAGE_SIZE;
    }

    public boolean is(int flag) {
        return (flags & flag) != 0;
    }

    PagemapEntry slice(long from, long to, int newFlags) {
        return new PagemapEntry(from, (to - from) / PAGE_SIZE, newFlags);
    }
}
