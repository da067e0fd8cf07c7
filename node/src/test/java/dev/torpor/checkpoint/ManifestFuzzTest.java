package dev.torpor.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.torpor.TorporException;
import dev.torpor.testing.FuzzScratch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any manifest.json in an image directory is read into a manifest that names only safe files, or refused with a
 * TorporException. The @FuzzTest replays ManifestFuzzTestInputs in every test run; ./torpor fuzz fuzzes.
 */
class ManifestFuzzTest {
    public static void fuzzerTestOneInput(byte[] input) throws IOException {
        Path dir = FuzzScratch.empty();
        Files.write(dir.resolve(Manifest.FILE_NAME), input);
        Manifest m;
        try {
            m = DirectoryCheckpointStore.read(dir);
        } catch (TorporException refused) {
            return;
        }
        for (Manifest.FileEntry f : m.files()) {
            if (!ImageFiles.isSafeName(f.name()) || f.size() < 0) throw new AssertionError("accepted " + f);
        }
    }

    @FuzzTest
    void decodes(byte[] input) throws IOException {
        fuzzerTestOneInput(input);
    }
}
