package dev.torpor.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * What an image is and what made it. Written last and synced: an image directory without a manifest is an
 * interrupted dump and is never restored.
 */
public record Manifest(
        int formatVersion,
        String function,
        String instanceId,
        int codeRevision,
        String codeSha256,
        long memoryBytes,
        Instant createdAt,
        String runtimeVersion,
        String criuVersion,
        String kernel,
        String architecture,
        List<FileEntry> files) {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "manifest.json";

    /**
     * One file of the image. CRC32C is cheap enough to take on every local dump; SHA-256 is taken only when the
     * image leaves the node, where a 32-bit check is too weak, so local manifests (and those written before it
     * existed) have none.
     */
    public record FileEntry(String name, long size, long crc32c, @JsonInclude(JsonInclude.Include.NON_NULL) String sha256) {
        public FileEntry(String name, long size, long crc32c) {
            this(name, size, crc32c, null);
        }

        public FileEntry withSha256(String sha256) {
            return new FileEntry(name, size, crc32c, sha256);
        }
    }

    public long totalBytes() {
        return files.stream().mapToLong(FileEntry::size).sum();
    }

    public Manifest withFiles(List<FileEntry> files) {
        return new Manifest(formatVersion, function, instanceId, codeRevision, codeSha256, memoryBytes, createdAt,
                runtimeVersion, criuVersion, kernel, architecture, List.copyOf(files));
    }
}
