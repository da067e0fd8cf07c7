package dev.torpor.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.apache.commons.io.file.PathUtils;

/** File system steps that survive a crash or power loss: what a node's storage needs to never show half a file. */
final class Durable {
    private Durable() {}

    /** Flushes a file's data, or a directory's entries, to the device. */
    static void sync(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Writes {@code target} so that after a crash it holds either its old content or all of {@code data}. */
    static void write(Path target, byte[] data) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, data);
        sync(tmp);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        sync(target.getParent());
    }

    static void deleteTree(Path dir) {
        try {
            if (Files.exists(dir)) PathUtils.deleteDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
