package dev.torpor.checkpoint;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.stream.Stream;

/**
 * The packs of a chunk store and the index over them. New chunks go to one open pack, sealed when it reaches its size
 * limit; {@link #sync} makes everything appended so far durable with one fsync. Not thread-safe: the store locks.
 */
final class Packs implements Closeable {
    private final Path dir;
    private final long maxPackBytes;
    private final Map<Integer, PackFile> packs = new HashMap<>();
    private ChunkIndex index;
    private PackFile open;
    private boolean unsynced;
    /** New packs take numbers above every other, never reused, so a later chunk always has a greater location. */
    private int nextNumber;
    /** Chunks stored at or after this location came after the last commit: an upload may still need them. */
    private long mark;

    /**
     * Loads every pack in {@code dir}. Packs left open by a previous run are cut after their last whole chunk and
     * sealed, so what a crash interrupted is simply not there.
     */
    Packs(Path dir, long maxPackBytes) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.maxPackBytes = maxPackBytes;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("\\d+\\.(pack|open)")).toList()) {
                PackFile pack = PackFile.load(f);
                if (pack.isOpen() && pack.recordBytes() == 0) {
                    pack.delete();
                    continue;
                }
                if (pack.isOpen()) pack.seal();
                packs.put(pack.number(), pack);
            }
        }
        nextNumber = packs.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        index = indexOf((id, at) -> true);
        markCommitted();
    }

    boolean contains(String id) {
        return index.contains(id);
    }

    void append(String id, byte[] data) throws IOException {
        if (!index.contains(id)) write(id, data);
    }

    /** Chunk {@code id}'s bytes, verified, or null if the store does not have it. */
    byte[] read(String id) throws IOException {
        long at = index.get(id);
        return at < 0 ? null : packs.get(pack(at)).read(offset(at), id);
    }

    void sync() throws IOException {
        if (unsynced) open.sync();
        unsynced = false;
    }

    /** Everything stored so far may now be collected once no snapshot needs it. */
    void markCommitted() {
        mark = open == null ? location(nextNumber, 0) : location(open.number(), open.recordBytes());
    }

    /**
     * Forgets every chunk that {@code live} lacks, except those stored since the last commit (an upload in flight),
     * deletes packs with nothing live and rewrites packs less than half live, so that dead chunks take little more
     * room than live ones plus the open pack. Returns how many chunks it forgot.
     */
    int retain(ChunkIndex live) throws IOException {
        long before = mark;
        List<PackFile> dropped = new ArrayList<>();
        for (PackFile pack : List.copyOf(packs.values())) {
            if (pack == open || pack.number() >= pack(before)) continue;
            Map<String, Long> kept = new HashMap<>();
            long[] keptBytes = {0};
            pack.entries((id, offset, length) -> {
                if (live.contains(id)) {
                    kept.put(id, offset);
                    keptBytes[0] += length;
                }
            });
            if (!kept.isEmpty() && keptBytes[0] * 2 >= pack.recordBytes()) continue;
            for (Map.Entry<String, Long> chunk : kept.entrySet()) write(chunk.getKey(), pack.read(chunk.getValue(), chunk.getKey()));
            dropped.add(pack);
        }
        sync();
        for (PackFile pack : dropped) packs.remove(pack.number()).delete();
        if (!dropped.isEmpty()) Durable.sync(dir);
        int count = index.size();
        index = indexOf((id, at) -> at >= before || live.contains(id));
        return count - index.size();
    }

    @Override
    public void close() throws IOException {
        for (PackFile pack : packs.values()) pack.close();
    }

    private void write(String id, byte[] data) throws IOException {
        if (open != null && open.recordBytes() + data.length > maxPackBytes) {
            open.seal();
            open = null;
        }
        if (open == null) {
            open = PackFile.create(dir, nextNumber++);
            packs.put(open.number(), open);
        }
        index.put(id, location(open.number(), open.append(id, data)));
        unsynced = true;
    }

    private ChunkIndex indexOf(BiPredicate<String, Long> keep) throws IOException {
        ChunkIndex rebuilt = new ChunkIndex();
        for (PackFile pack : packs.values()) {
            pack.entries((id, offset, length) -> {
                long at = location(pack.number(), offset);
                if (keep.test(id, at)) rebuilt.put(id, at);
            });
        }
        return rebuilt;
    }

    private static long location(int pack, long offset) {
        return (long) pack << 40 | offset;
    }

    private static int pack(long location) {
        return (int) (location >>> 40);
    }

    private static long offset(long location) {
        return location & ((1L << 40) - 1);
    }
}
