package dev.torpor.cli.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/** A function's code as a Lambda zip: a directory zipped in memory with its unix modes, or a zip file as it is. */
public final class CodeZip {
    private static final int REGULAR_FILE = 0100000;
    /** One fixed time for every entry, so the same files always make the same zip and the same CodeSha256. */
    private static final long ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();

    private CodeZip() {}

    /** A directory's zip, or the bytes of a {@code .zip} file. */
    public static byte[] of(Path path) {
        if (Files.isDirectory(path)) return zip(path);
        if (!Files.isRegularFile(path)) throw new UsageError(path + ": no such directory or zip file");
        if (!path.getFileName().toString().endsWith(".zip")) throw new UsageError(path + ": give a directory or a .zip file");
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UsageError("cannot read " + path + ": " + e.getMessage());
        }
    }

    /**
     * Zips the regular files under {@code dir} (links followed), in name order, each with its unix mode (0644 where
     * the file system keeps none, as inside a jar). The top-level {@code bootstrap} is always executable: it is what
     * runs, and the node treats it so whatever the zip says; copied resources (the demo's examples) lose their modes.
     */
    public static byte[] zip(Path dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes); Stream<Path> walk = Files.walk(dir)) {
            List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
            for (Path file : files) {
                String name = dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                ZipArchiveEntry entry = new ZipArchiveEntry(name);
                int mode = permissions(file) | (name.equals("bootstrap") ? 0111 : 0);
                entry.setUnixMode(REGULAR_FILE | mode);
                entry.setTime(ENTRY_TIME);
                zip.putArchiveEntry(entry);
                Files.copy(file, zip);
                zip.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot zip " + dir, e);
        }
        return bytes.toByteArray();
    }

    private static int permissions(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) return 0644;
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        int mode = 0;
        for (PosixFilePermission p : PosixFilePermission.values()) {
            // The enum runs OWNER_READ … OTHERS_EXECUTE, from the highest bit of rwxrwxrwx to the lowest.
            if (permissions.contains(p)) mode |= 0400 >> p.ordinal();
        }
        return mode;
    }
}
