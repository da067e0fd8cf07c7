package dev.torpor.function;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Unpacks a Lambda code zip into an empty directory and refuses anything that would reach outside it. The zip is
 * read through its central directory because only there do entries carry unix modes, and so symlinks.
 */
final class CodeUnzipper {
    private static final int MAX_ENTRIES = 20_000;
    private static final String UNZIP_FAILED = "Could not unzip uploaded file. Please check your file, then try to upload again.";
    /** Root's alone, like all of the node's data: functions run as root in their containers. */
    private static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-------");
    /** Linux's PATH_MAX: no real link target is longer. */
    private static final int MAX_LINK_TARGET = 4096;
    private static final Path BOOTSTRAP = Path.of("bootstrap");

    private final Path dir;
    private final long maxBytes;
    private long unzippedBytes;

    private CodeUnzipper(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /** Throws {@link TorporException} INVALID_PARAMETER for a bad zip; an IOException is the disk's fault. */
    static void unzip(byte[] zip, Path dir, long maxUnzippedBytes) throws IOException {
        try (ZipFile zipFile = open(zip)) {
            new CodeUnzipper(dir, maxUnzippedBytes).unzip(zipFile);
        }
    }

    private static ZipFile open(byte[] zip) {
        try {
            return ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(zip)).get();
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    private void unzip(ZipFile zipFile) throws IOException {
        List<ZipArchiveEntry> entries = Collections.list(zipFile.getEntries());
        if (entries.size() > MAX_ENTRIES) {
            throw TorporException.invalid("The zip holds " + entries.size() + " entries; at most " + MAX_ENTRIES + " are allowed");
        }
        Map<Path, ZipArchiveEntry> byPath = new LinkedHashMap<>();
        Set<Path> links = new HashSet<>();
        for (ZipArchiveEntry entry : entries) {
            Path path = pathOf(entry);
            if (byPath.putIfAbsent(path, entry) != null) {
                throw TorporException.invalid("The zip holds entry " + entry.getName() + " more than once");
            }
            if (entry.isUnixSymlink()) links.add(path);
        }
        byPath.forEach((path, entry) -> requireNotUnderLink(path, entry, links));
        // Links come last, so no file is ever written through one.
        for (var e : byPath.entrySet()) {
            if (!links.contains(e.getKey())) write(zipFile, e.getKey(), e.getValue());
        }
        for (Path link : links) {
            ZipArchiveEntry entry = byPath.get(link);
            String target = readLinkTarget(zipFile, entry);
            if (!inside(link, target, links)) {
                throw TorporException.invalid("Symlink " + entry.getName() + " points outside the code directory: " + target);
            }
            try {
                Files.createDirectories(dir.resolve(link).getParent()); // a zip need not list a link's directory
                Files.createSymbolicLink(dir.resolve(link), Path.of(target));
            } catch (FileAlreadyExistsException e) {
                throw clash(entry);
            }
        }
        openDirectories();
    }

    /** The entry's place in the code dir; backslashes count as separators, as in zips made on Windows. */
    private static Path pathOf(ZipArchiveEntry entry) {
        Path path;
        try {
            path = Path.of(entry.getName().replace('\\', '/'));
        } catch (InvalidPathException e) {
            throw TorporException.invalid("Entry " + entry.getName() + " has an invalid name");
        }
        Path normalized = path.normalize();
        if (path.isAbsolute() || normalized.startsWith("..") || normalized.toString().isEmpty() && !isDirectory(entry)) {
            throw TorporException.invalid("Entry " + entry.getName() + " would be written outside the code directory");
        }
        return normalized;
    }

    private static boolean isDirectory(ZipArchiveEntry entry) {
        return entry.isDirectory() || entry.getName().endsWith("\\");
    }

    private static void requireNotUnderLink(Path path, ZipArchiveEntry entry, Set<Path> links) {
        for (Path p = path.getParent(); p != null; p = p.getParent()) {
            if (links.contains(p)) {
                throw TorporException.invalid("Entry " + entry.getName() + " lies under symlink " + p);
            }
        }
    }

    private void write(ZipFile zipFile, Path path, ZipArchiveEntry entry) throws IOException {
        Path target = dir.resolve(path);
        try {
            if (isDirectory(entry)) {
                Files.createDirectories(target);
                return;
            }
            Files.createDirectories(target.getParent());
            try (InputStream in = open(zipFile, entry); OutputStream out = Files.newOutputStream(target, CREATE_NEW, WRITE)) {
                copy(in, out);
            }
        } catch (FileAlreadyExistsException e) {
            throw clash(entry);
        }
        boolean executable = path.equals(BOOTSTRAP) || (entry.getUnixMode() & 0111) != 0;
        Files.setPosixFilePermissions(target, executable ? EXECUTABLE : READABLE);
    }

    /** The code dir (a 0700 temp dir) and the directories made on the way (the umask's mode) all become 0700. */
    private void openDirectories() throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.filter(Files::isDirectory)::iterator) {
                Files.setPosixFilePermissions(p, EXECUTABLE);
            }
        }
    }

    /**
     * Whether a link at {@code link} to {@code target} stays inside the code dir. Climbing with {@code ..} after
     * passing through another link is refused: from there the text of the path no longer says where it leads.
     */
    private static boolean inside(Path link, String target, Set<Path> links) {
        if (target.isEmpty() || target.startsWith("/")) return false;
        Path at = link.getParent(); // null is the code dir itself
        boolean throughLink = false;
        for (String part : target.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (at == null || throughLink) return false;
                at = at.getParent();
            } else {
                at = at == null ? Path.of(part) : at.resolve(part);
                throughLink |= links.contains(at);
            }
        }
        return true;
    }

    private String readLinkTarget(ZipFile zipFile, ZipArchiveEntry entry) throws IOException {
        var out = new ByteArrayOutputStream();
        try (InputStream in = open(zipFile, entry)) {
            copy(in, out);
        }
        if (out.size() > MAX_LINK_TARGET) {
            throw TorporException.invalid("Symlink " + entry.getName() + " has a target longer than " + MAX_LINK_TARGET + " bytes");
        }
        String target = out.toString(StandardCharsets.UTF_8).replace('\\', '/');
        if (target.indexOf('\0') >= 0) {
            throw TorporException.invalid("Symlink " + entry.getName() + " has an invalid target");
        }
        return target;
    }

    private static InputStream open(ZipFile zipFile, ZipArchiveEntry entry) {
        try {
            return zipFile.getInputStream(entry);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** Counts what is really unzipped rather than trusting the sizes the headers claim. */
    private void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = read(in, buffer)) != -1; ) {
            unzippedBytes += n;
            if (unzippedBytes > maxBytes) {
                throw TorporException.invalid("Unzipped size must be smaller than " + maxBytes + " bytes");
            }
            out.write(buffer, 0, n);
        }
    }

    private static int read(InputStream in, byte[] buffer) {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    private static TorporException clash(ZipArchiveEntry entry) {
        return TorporException.invalid("Entry " + entry.getName() + " clashes with another entry of the zip");
    }

    private static TorporException unreadable(IOException e) {
        return new TorporException(ErrorKind.INVALID_PARAMETER, UNZIP_FAILED, e);
    }
}
