package dev.torpor.checkpoint;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;

/**
 * Chunks appended to one file, so that thousands of them cost one fsync rather than one each (see {@link ChunkStore}).
 * A pack is a run of records — id (32 bytes), length (4), data — named {@code <n>.open} while chunks are appended.
 * Sealing appends an index of the records (id, offset and length each), the index's offset, its count and {@code TPK1},
 * syncs, and renames the file to {@code <n>.pack}: a sealed pack is read through its index without reading its
 * data, an open one by reading its records, which also finds where a crash cut the last one off.
 */
final class PackFile implements Closeable {
    private static final int MAGIC = 0x54504b30 + FormatVersions.PACK; // "TPK" and the version's digit
    private static final int HEADER = 32 + 4;
    private static final int INDEX_ENTRY = 32 + 8 + 4;
    private static final int TRAILER = 8 + 4 + 4;

    private final int number;
    private Path path;
    private final FileChannel channel;
    private long end;
    /** Where the records end: {@code end} while open, the start of the index once sealed. */
    private long records;
    /** The index of an open pack, written out when it is sealed. */
    private final ByteArrayOutputStream index = new ByteArrayOutputStream();

    interface Entries {
        void accept(String id, long offset, int length);
    }

    private PackFile(int number, Path path, FileChannel channel, long end) {
        this.number = number;
        this.path = path;
        this.channel = channel;
        this.end = end;
        this.records = end;
    }

    static PackFile create(Path dir, int number) throws IOException {
        Path path = dir.resolve(number + ".open");
        return new PackFile(number, path, FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE), 0);
    }

    /**
     * Opens the pack at {@code path} ({@code <n>.pack} or {@code <n>.open}). An open pack, or a sealed one whose
     * index is damaged, is read record by record, verifying each, and cut after the last good one; it stays open.
     */
    static PackFile load(Path path) throws IOException {
        String name = path.getFileName().toString();
        int number = Integer.parseInt(name.substring(0, name.indexOf('.')));
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        PackFile pack = new PackFile(number, path, ch, ch.size());
        if (!name.endsWith(".pack") || !pack.hasIndex()) pack.recover();
        return pack;
    }

    int number() {
        return number;
    }

    boolean isOpen() {
        return path.getFileName().toString().endsWith(".open");
    }

    long recordBytes() {
        return records;
    }

    long append(String id, byte[] data) throws IOException {
        long offset = end;
        ByteBuffer record = ByteBuffer.allocate(HEADER + data.length).put(HexFormat.of().parseHex(id)).putInt(data.length).put(data).flip();
        write(record);
        records = end;
        addToIndex(id, offset, data.length);
        return offset;
    }

    void sync() throws IOException {
        channel.force(false);
    }

    /** Chunk {@code id}'s bytes at {@code offset}, checked against the id. */
    byte[] read(long offset, String id) throws IOException {
        if (offset < 0 || offset > records - HEADER) throw damaged("no chunk " + id + " at " + offset); // a damaged index
        ByteBuffer header = read(offset, HEADER);
        byte[] stored = new byte[32];
        header.get(stored);
        int length = header.getInt();
        if (!HexFormat.of().formatHex(stored).equals(id) || length < 0 || length > Recipe.MAX_CHUNK) {
            throw damaged("no chunk " + id + " at " + offset);
        }
        byte[] data = read(offset + HEADER, length).array();
        if (!Sha256.hex(data, 0, length).equals(id)) throw damaged("chunk " + id + " does not match its hash");
        return data;
    }

    void seal() throws IOException {
        long indexOffset = end;
        write(ByteBuffer.wrap(index.toByteArray()));
        write(ByteBuffer.allocate(TRAILER).putLong(indexOffset).putInt(index.size() / INDEX_ENTRY).putInt(MAGIC).flip());
        channel.force(true);
        Path sealed = path.resolveSibling(number + ".pack");
        Files.move(path, sealed, StandardCopyOption.ATOMIC_MOVE);
        Durable.sync(path.getParent());
        path = sealed;
        index.reset();
    }

    /** Passes every chunk in the pack to {@code each}. */
    void entries(Entries each) throws IOException {
        ByteBuffer entries = isOpen() ? ByteBuffer.wrap(index.toByteArray()) : read(records, (int) (end - TRAILER - records));
        while (entries.hasRemaining()) each.accept(id(entries), entries.getLong(), entries.getInt());
    }

    void delete() throws IOException {
        channel.close();
        Files.delete(path);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Whether the pack ends in a consistent index; if so, where its records end. */
    private boolean hasIndex() throws IOException {
        if (end < TRAILER) return false;
        ByteBuffer trailer = read(end - TRAILER, TRAILER);
        long indexOffset = trailer.getLong();
        int count = trailer.getInt();
        if (trailer.getInt() != MAGIC || count < 0 || indexOffset < 0 || indexOffset + (long) count * INDEX_ENTRY != end - TRAILER) {
            return false;
        }
        records = indexOffset;
        return true;
    }

    /** Keeps the records that are whole and match their ids; cuts the file after them. */
    private void recover() throws IOException {
        long offset = 0;
        while (offset + HEADER <= end) {
            ByteBuffer header = read(offset, HEADER);
            String id = id(header);
            int length = header.getInt();
            if (length < 0 || length > Recipe.MAX_CHUNK || offset + HEADER + length > end) break;
            if (!Sha256.hex(read(offset + HEADER, length).array(), 0, length).equals(id)) break;
            addToIndex(id, offset, length);
            offset += HEADER + length;
        }
        channel.truncate(offset);
        end = offset;
        records = offset;
        if (!isOpen()) {
            Path open = path.resolveSibling(number + ".open");
            Files.move(path, open, StandardCopyOption.ATOMIC_MOVE);
            path = open;
        }
    }

    private void addToIndex(String id, long offset, int length) {
        index.writeBytes(ByteBuffer.allocate(INDEX_ENTRY).put(HexFormat.of().parseHex(id)).putLong(offset).putInt(length).array());
    }

    private void write(ByteBuffer data) throws IOException {
        while (data.hasRemaining()) end += channel.write(data, end);
    }

    private ByteBuffer read(long offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (channel.read(buf, offset + buf.position()) < 0) throw new EOFException("pack " + number + " ends at " + (offset + buf.position()));
        }
        return buf.flip();
    }

    private static String id(ByteBuffer buf) {
        byte[] id = new byte[32];
        buf.get(id);
        return HexFormat.of().formatHex(id);
    }

    private TorporException damaged(String why) {
        return new TorporException(ErrorKind.FAILED, "chunk pack " + path + " is damaged: " + why);
    }
}
