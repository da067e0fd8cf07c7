package dev.torpor.function;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.torpor.TorporException;
import dev.torpor.testing.FuzzScratch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Any uploaded code zip unpacks to files inside the code directory, or is refused with a TorporException. An
 * IOException would claim the disk failed, which a scratch directory does not. Replays CodeUnzipperFuzzTestInputs.
 */
class CodeUnzipperFuzzTest {
    public static void fuzzerTestOneInput(byte[] input) throws IOException {
        Path dir = Files.createDirectory(FuzzScratch.empty().resolve("code"));
        try {
            CodeUnzipper.unzip(input, dir, 1 << 20);
        } catch (TorporException refused) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.forEach(p -> {
                if (!p.toAbsolutePath().normalize().startsWith(dir)) throw new AssertionError(p + " is outside " + dir);
            });
        }
    }

    @FuzzTest
    void decodes(byte[] input) throws IOException {
        fuzzerTestOneInput(input);
    }
}
