package dev.torpor.checkpoint;

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

    public static final String FILE_NAME = "manifest.json";

    /** One file of the image; CRC32C is cheap enough to take on every dump and to check wherever the image goes. */
    public record FileEntry(String name, long size, long crc32c) {}

    public long totalBytes() {
        return files.stream().mapToLong(FileEntry::size).sum();
    }

    public Compatibility.Origin origin() {
        return new Compatibility.Origin(formatVersion, architecture, criuVersion);
    }

    public Manifest withFiles(List<FileEntry> files) {
        return new Manifest(formatVersion, function, instanceId, codeRevision, codeSha256, memoryBytes, createdAt,
                runtimeVersion, criuVersion, kernel, architecture, List.copyOf(files));
    }
}
