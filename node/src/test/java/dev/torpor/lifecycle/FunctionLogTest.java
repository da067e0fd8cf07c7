package dev.torpor.lifecycle;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A function's output while its log cannot be written (a full disk): dropped and told, never a broken pipe. */
class FunctionLogTest {
    @TempDir
    Path tmp;

    @Test
    void outputTheFileCannotTakeIsDroppedAndToldOnceItCanAgain() throws Exception {
        Path dir = tmp.resolve("instance");
        Files.writeString(dir, "a file where the log's directory goes: every write fails, as on a full disk");
        FunctionLog log = new FunctionLog(dir.resolve("output.log"), 1 << 20);

        log.write("lost line\n".getBytes(UTF_8)); // no exception: the pipe's reader carries on

        Files.delete(dir);
        log.write("event 2\n".getBytes(UTF_8));
        assertThat(Files.readString(dir.resolve("output.log")))
                .isEqualTo("[torpor: 10 bytes of output dropped: the log could not be written (disk full?)]\nevent 2\n");
    }
}
