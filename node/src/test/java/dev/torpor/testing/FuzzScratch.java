package dev.torpor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;

/**
 * A directory for fuzz targets that decode into files: emptied before each input and removed when the JVM exits,
 * so millions of inputs leave nothing behind.
 */
public final class FuzzScratch {
    private static final Path ROOT = create();

    private FuzzScratch() {}

    /** The scratch directory, empty. */
    public static Path empty() {
        try (Stream<Path> children = Files.list(ROOT)) {
            for (Path child : children.toList()) PathUtils.delete(child, PathUtils.NOFOLLOW_LINK_OPTION_ARRAY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ROOT;
    }

    private static Path create() {
        try {
            Path dir = Files.createTempDirectory("torpor-fuzz-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    PathUtils.deleteDirectory(dir);
                } catch (IOException e) {
                    // the JVM is going; a temp dir is all that is left
                }
            }));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
