package dev.torpor.checkpoint;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A hidden directory beside a target that either becomes the target in one rename, with everything in it on disk, or
 * is deleted on close: a reader of the target never sees half an image, even after a crash.
 */
final class StagingDir implements AutoCloseable {
    private final Path target;
    private final Path dir;
    private boolean published;

    private StagingDir(Path target, Path dir) {
        this.target = target;
        this.dir = dir;
    }

    static StagingDir beside(Path target) {
        Path absolute = target.toAbsolutePath();
        if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            throw new TorporException(ErrorKind.ALREADY_EXISTS, absolute + " already exists");
        }
        try {
            Path parent = Files.createDirectories(absolute.getParent());
            return new StagingDir(absolute, Files.createTempDirectory(parent, "." + absolute.getFileName() + ".incoming-"));
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot make a staging directory beside " + absolute, e);
        }
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /** Syncs every file and the directory, then renames it to the target and syncs the parent. */
    void publish() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) Durable.sync(f);
        }
        Durable.sync(dir);
        Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
        Durable.sync(target.getParent());
        published = true;
    }

    @Override
    public void close() {
        if (!published) Durable.deleteTree(dir);
    }
}
