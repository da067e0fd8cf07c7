package dev.torpor.checkpoint;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
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

    /**
     * Reads a manifest written by this node or sent by a peer; refuses one that lists no files, names a file that
     * could not live in an image directory, lists one twice or gives it no size (INCOMPATIBLE_IMAGE).
     */
    static Manifest decode(byte[] json) {
        Manifest m;
        try {
            m = DirectoryCheckpointStore.JSON.readValue(json, Manifest.class);
        } catch (IOException e) {
            throw refused("unreadable manifest: " + e.getMessage(), e);
        }
        if (m == null || m.files() == null) throw refused("the manifest lists no files", null);
        for (FileEntry f : m.files()) {
            if (f == null || !ImageFiles.isSafeName(f.name()) || f.name().equals(FILE_NAME)) {
                throw refused("the manifest names a file " + (f == null ? null : f.name()), null);
            }
            if (f.size() < 0) throw refused("the manifest's entry for " + f.name() + " has no size", null);
        }
        if (m.files().stream().map(FileEntry::name).distinct().count() != m.files().size()) {
            throw refused("the manifest lists a file twice", null);
        }
        return m;
    }

    private static TorporException refused(String why, Throwable cause) {
        return new TorporException(ErrorKind.INCOMPATIBLE_IMAGE, why, cause);
    }

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
