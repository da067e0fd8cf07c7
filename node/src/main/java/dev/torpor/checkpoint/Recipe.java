package dev.torpor.checkpoint;

import dev.torpor.TorporException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How an image is made of chunks: per file its name, size and the SHA-256 ids of its chunks in order. Page files
 * are cut into 4 KiB chunks: CRIU writes whole pages, so memory that did not change gives equal chunks in the next
 * dump, and in another function's dump, even where the mappings moved. Other files are small and change as a whole,
 * so each is one chunk (cut at {@link #MAX_CHUNK} only so a chunk is always cheap to hold in memory).
 */
public record Recipe(List<FileRecipe> files) {
    public static final int PAGE_CHUNK = 4096;
    public static final int MAX_CHUNK = 4 << 20;

    public Recipe {
        files = List.copyOf(files);
        if (files.stream().map(FileRecipe::name).distinct().count() != files.size()) {
            throw TorporException.invalid("a recipe lists a file twice");
        }
    }

    public record FileRecipe(String name, long size, List<String> chunks) {
        public FileRecipe {
            if (!ImageFiles.isSafeName(name) || name.equals(Manifest.FILE_NAME)) {
                throw TorporException.invalid("a recipe names a file " + name);
            }
            chunks = List.copyOf(chunks);
            long chunkSize = chunkSize(name);
            if (size < 0 || chunks.size() != (size + chunkSize - 1) / chunkSize) {
                throw TorporException.invalid("a recipe gives " + name + " of " + size + " bytes " + chunks.size() + " chunks");
            }
            if (!chunks.stream().allMatch(Sha256::isHex)) throw TorporException.invalid("a recipe's chunk id for " + name + " is not a SHA-256");
        }
    }

    static int chunkSize(String fileName) {
        return ImageFiles.isPages(fileName) ? PAGE_CHUNK : MAX_CHUNK;
    }

    /** Cuts and hashes the image in {@code imageDir}, reading it once and checking it against its manifest. */
    public static Recipe of(Path imageDir) {
        Manifest m = ImageFiles.list(imageDir);
        List<FileRecipe> files = new ArrayList<>();
        for (Manifest.FileEntry f : m.files()) {
            List<String> chunks = new ArrayList<>();
            ImageFiles.read(imageDir, f, chunkSize(f.name()), (buf, n) -> chunks.add(Sha256.hex(buf, 0, n)));
            files.add(new FileRecipe(f.name(), f.size(), chunks));
        }
        return new Recipe(files);
    }

    /** Every chunk the image needs, each once, in the order they first appear. */
    public Set<String> chunkIds() {
        Set<String> ids = new LinkedHashSet<>();
        files.forEach(f -> ids.addAll(f.chunks()));
        return ids;
    }

    public long totalBytes() {
        return files.stream().mapToLong(FileRecipe::size).sum();
    }
}
