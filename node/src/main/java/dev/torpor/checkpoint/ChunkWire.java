package dev.torpor.checkpoint;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.commons.io.output.CloseShieldOutputStream;
import org.apache.commons.io.output.CountingOutputStream;

/**
 * Chunks on the wire, for shipping a peer only those it lacks: {@code TPCW}, format version (1 byte), chunk count
 * (4), then per chunk its id (32 bytes), length (4) and bytes. The count up front lets the receiver tell a stream that
 * was cut off from one that is complete; every chunk is verified against its id as it is stored.
 */
public final class ChunkWire {
    private static final byte[] MAGIC = {'T', 'P', 'C', 'W'};

    private ChunkWire() {}

    /** Writes the chunks {@code ids} (each once) read from {@code src} to {@code out} (left open); returns the bytes written. */
    public static long writeChunks(ChunkSource src, Collection<String> ids, OutputStream out) {
        Set<String> distinct = new LinkedHashSet<>(ids);
        CountingOutputStream wire = new CountingOutputStream(CloseShieldOutputStream.wrap(out));
        try (DataOutputStream data = new DataOutputStream(new BufferedOutputStream(wire, 1 << 16))) {
            data.write(MAGIC);
            data.writeByte(FormatVersions.CHUNK_STREAM);
            data.writeInt(distinct.size());
            for (String id : distinct) {
                byte[] chunk = src.read(id);
                data.write(HexFormat.of().parseHex(id));
                data.writeInt(chunk.length);
                data.write(chunk);
            }
            data.flush();
            out.flush();
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot send chunks: " + e.getMessage(), e);
        }
        return wire.getByteCount();
    }

    /**
     * Stores every chunk of a stream written by {@link #writeChunks}; returns how many. Chunks that arrived whole
     * before a failure stay stored: they are verified, and a retry need not send them again.
     */
    public static int readChunks(InputStream in, ChunkStore into) {
        DataInputStream data = new DataInputStream(in);
        int received = 0;
        try {
            byte[] magic = new byte[MAGIC.length];
            data.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) throw refused("not a chunk stream");
            int version = data.readUnsignedByte();
            if (version != FormatVersions.CHUNK_STREAM) throw refused("chunk stream format " + version + ", this node reads " + FormatVersions.CHUNK_STREAM);
            int count = data.readInt();
            if (count < 0) throw refused("a count of " + count + " chunks");
            byte[] id = new byte[32];
            for (; received < count; received++) {
                data.readFully(id);
                int length = data.readInt();
                if (length < 0 || length > Recipe.MAX_CHUNK) throw refused("a chunk of " + length + " bytes");
                byte[] chunk = new byte[length];
                data.readFully(chunk);
                into.put(HexFormat.of().formatHex(id), chunk);
            }
            return received;
        } catch (EOFException e) {
            throw new TorporException(ErrorKind.FAILED, "the chunk stream ended after " + received + " chunks", e);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot receive chunks: " + e.getMessage(), e);
        }
    }

    private static TorporException refused(String why) {
        return new TorporException(ErrorKind.INCOMPATIBLE_IMAGE, "refused chunk stream: " + why);
    }
}
