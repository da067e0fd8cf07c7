package dev.torpor.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.torpor.TorporException;
import dev.torpor.testing.FuzzScratch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whatever a crash or a bad disk left in a pack file is loaded (cut after its last good chunk) and every chunk its
 * index lists reads back verified, or fails as an IOException or TorporException, which the chunk store reports.
 */
class PackFileFuzzTest {
    public static void fuzzerTestOneInput(byte[] input) throws IOException {
        Path file = Files.write(FuzzScratch.empty().resolve("1.pack"), input);
        try (PackFile pack = PackFile.load(file)) {
            pack.entries((id, offset, length) -> {
                try {
                    pack.read(offset, id); // the record's own length counts, verified by the chunk's hash
                } catch (IOException | TorporException damaged) {
                    // reported as a damaged pack
                }
            });
        } catch (IOException | TorporException damaged) {
            // reported as a damaged pack
        }
    }

    @FuzzTest
    void decodes(byte[] input) throws IOException {
        fuzzerTestOneInput(input);
    }
}
