package dev.torpor.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriuLogTest {
    @TempDir
    Path dir;

    @Test
    void readsTheLastErrorsFromTheTailOfALogFarLargerThanIt() throws IOException {
        Path log = dir.resolve("restore.log");
        try (Writer w = Files.newBufferedWriter(log)) {
            w.write("(00.000001) Error (criu/early.c:1): long before the tail\n");
            for (int i = 0; i < 200_000; i++) w.write("(00.000100) pie: 1: reading page " + i + "\n");
            w.write("(00.500000) Error (criu/pagemap.c:42): Can't read mapping page 0\n");
            w.write("(00.500001) Error (criu/cr-restore.c:2397): Restoring FAILED.\n");
        }
        assertThat(Files.size(log)).isGreaterThan(10L * CriuLog.TAIL_BYTES);

        assertThat(CriuLog.lastErrors(log, 12)).containsExactly(
                "(00.500000) Error (criu/pagemap.c:42): Can't read mapping page 0",
                "(00.500001) Error (criu/cr-restore.c:2397): Restoring FAILED.");
    }

    @Test
    void aTailStartingInsideALineLeavesThatLineOut() throws IOException {
        Path log = dir.resolve("dump.log");
        Files.writeString(log, "x".repeat(CriuLog.TAIL_BYTES) + "Error: half of me is cut\nError: whole\n");

        assertThat(CriuLog.tailLines(log, CriuLog.TAIL_BYTES)).containsExactly("Error: whole");
    }

    @Test
    void noLogNoErrors() {
        assertThat(CriuLog.lastErrors(dir.resolve("missing.log"), 5)).isEmpty();
    }

    @Test
    void keepingTheTailCutsTheLogToItsLastMegabyte() throws IOException {
        Path log = dir.resolve("restore.log");
        Files.writeString(log, "(00.000100) pie: 1: reading a page\n".repeat(100_000) + "Error: the end\n");

        CriuLog.keepTail(log);

        assertThat(Files.size(log)).isEqualTo(1024 * 1024);
        assertThat(CriuLog.lastErrors(log, 1)).containsExactly("Error: the end");
    }
}
