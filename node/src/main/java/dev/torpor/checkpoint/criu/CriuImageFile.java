package dev.torpor.checkpoint.criu;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One of CRIU's protobuf image files: a magic header (CRIU's common magic, then the file's own) followed by
 * entries, each a little-endian length and a serialised message.
 */
public record CriuImageFile(List<Integer> magics, List<byte[]> entries) {
    static final int COMMON_MAGIC = 0x54564319;
    public static final int PAGEMAP = 0x56084025;
    public static final int MM = 0x57492820;
    public static final int CORE = 0x55053847;

    public static CriuImageFile read(Path file, int typeMagic) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            List<Integer> magics = new ArrayList<>();
            int m = u32(b, file);
            magics.add(m);
            if (m == COMMON_MAGIC) magics.add(m = u32(b, file));
            if (m != typeMagic) throw malformed(file, "magic " + Integer.toHexString(m) + " is not " + Integer.toHexString(typeMagic));
            List<byte[]> entries = new ArrayList<>();
            while (b.hasRemaining()) {
                int n = u32(b, file);
                if (n < 0 || n > b.remaining()) throw malformed(file, "an entry runs past the end");
                byte[] e = new byte[n];
                b.get(e);
                entries.add(e);
            }
            return new CriuImageFile(List.copyOf(magics), entries);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot read CRIU image " + file, e);
        }
    }

    public void write(Path file) {
        int size = 4 * magics.size() + entries.stream().mapToInt(e -> 4 + e.length).sum();
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        magics.forEach(b::putInt);
        for (byte[] e : entries) b.putInt(e.length).put(e);
        try {
            Files.write(file, b.array());
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot write CRIU image " + file, e);
        }
    }

    private static int u32(ByteBuffer b, Path file) {
        if (b.remaining() < 4) throw malformed(file, "it ends inside a header");
        return b.getInt();
    }

    static TorporException malformed(Path file, String why) {
        return new TorporException(ErrorKind.INCOMPATIBLE_IMAGE, "CRIU image " + file.getFileName() + " is not what this node can read: " + why);
    }
}
