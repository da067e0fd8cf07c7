package dev.torpor.checkpoint;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Chunks read straight from an image directory by its recipe, so a node sending a backup needs no chunk store of its
 * own. The bytes are not hashed again here: the receiving store verifies every chunk.
 */
public final class ChunkSource {
    private final Path imageDir;
    private final Map<String, Location> locations = new HashMap<>();

    private record Location(String file, long offset, int length) {}

    public ChunkSource(Path imageDir, Recipe recipe) {
        this.imageDir = imageDir;
        for (Recipe.FileRecipe f : recipe.files()) {
            int chunkSize = Recipe.chunkSize(f.name());
            for (int i = 0; i < f.chunks().size(); i++) {
                long offset = (long) i * chunkSize;
                int length = (int) Math.min(chunkSize, f.size() - offset);
                locations.putIfAbsent(f.chunks().get(i), new Location(f.name(), offset, length));
            }
        }
    }

    /** The bytes of chunk {@code id} as the image holds them now. */
    public byte[] read(String id) {
        Location at = locations.get(id);
        if (at == null) throw TorporException.notFound("chunk " + id + " is not part of the image in " + imageDir);
        ByteBuffer data = ByteBuffer.allocate(at.length());
        try (FileChannel ch = FileChannel.open(imageDir.resolve(at.file()))) {
            while (data.hasRemaining()) {
                if (ch.read(data, at.offset() + data.position()) < 0) throw new EOFException(at.file() + " shrank");
            }
            return data.array();
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot read chunk " + id + " from " + imageDir + ": " + e.getMessage(), e);
        }
    }
}
