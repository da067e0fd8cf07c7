package dev.torpor.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.torpor.TorporException;
import dev.torpor.testing.FuzzScratch;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any stream sent as an image archive becomes an image whose files match its manifest, or is refused with a
 * TorporException that leaves nothing behind. Replays ImageArchiveFuzzTestInputs; ./torpor fuzz fuzzes.
 */
class ImageArchiveFuzzTest {
    public static void fuzzerTestOneInput(byte[] input) {
        Path scratch = FuzzScratch.empty();
        Path target = scratch.resolve("image");
        try {
            ImageArchive.read(new ByteArrayInputStream(input), target, done -> {});
        } catch (TorporException refused) {
            if (Files.exists(target)) throw new AssertionError("a refused archive left " + target);
            return;
        }
        ImageFiles.list(target); // the received image checks out against its own manifest
    }

    @FuzzTest
    void decodes(byte[] input) {
        fuzzerTestOneInput(input);
    }
}
