package dev.torpor.node;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The node's data is root's alone: checkpoint images hold a function's whole memory, secrets included, and the
 * database, code and logs are no one else's business either. The data dir is made 0700, so nothing below it is
 * reachable by another user whatever its mode, and everything below is brought to 0700 (directories, executables)
 * or 0600 (other files). Java has no umask: {@code ./torpor node} runs the JVM under umask 077, so what the node,
 * SQLite, runc and CRIU create afterwards is born private; checkpoint images are made private as they are committed.
 */
final class DataDir {
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private DataDir() {}

    /** Creates {@code dir} if need be and makes it and everything in it private, but for the tree {@code shared}. */
    static void secure(Path dir, Path shared) {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR));
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    if (d.equals(shared)) return FileVisitResult.SKIP_SUBTREE;
                    restrict(d, DIR);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile()) {
                        restrict(f, Files.getPosixFilePermissions(f).contains(PosixFilePermission.OWNER_EXECUTE) ? DIR : FILE);
                    }
                    return FileVisitResult.CONTINUE; // links are left alone: their own mode means nothing
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot make the data directory " + dir + " private: " + e.getMessage(), e);
        }
    }

    private static void restrict(Path p, Set<PosixFilePermission> mode) throws IOException {
        if (!Files.getPosixFilePermissions(p).equals(mode)) Files.setPosixFilePermissions(p, mode);
    }
}
