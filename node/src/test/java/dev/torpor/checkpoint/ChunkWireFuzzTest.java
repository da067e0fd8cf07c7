package dev.torpor.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.torpor.TorporException;
import dev.torpor.testing.FuzzScratch;
import java.io.ByteArrayInputStream;

/** Any chunk stream a peer sends is stored chunk by verified chunk or refused with a TorporException. */
class ChunkWireFuzzTest {
    public static void fuzzerTestOneInput(byte[] input) {
        ChunkStore store = new ChunkStore(FuzzScratch.empty().resolve("chunks"));
        try {
            ChunkWire.readChunks(new ByteArrayInputStream(input), store);
        } catch (TorporException refused) {
            // as it should
        }
    }

    @FuzzTest
    void decodes(byte[] input) {
        fuzzerTestOneInput(input);
    }
}
