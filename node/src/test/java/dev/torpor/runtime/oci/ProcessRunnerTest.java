package dev.torpor.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {
    @TempDir
    Path dir;

    @Test
    void keepsWhatTheCommandPrinted() {
        ProcessRunner.Result r = ProcessRunner.runAllowingFailure(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofMinutes(1));

        assertThat(r.exitStatus()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
    }

    @Test
    void aCommandPastItsDeadlineIsATimeoutNamingIt() {
        TorporException e = catchThrowableOfType(TorporException.class,
                () -> ProcessRunner.runAllowingFailure(List.of("sleep", "600"), Duration.ofMillis(200)));

        assertThat(e.kind()).isEqualTo(ErrorKind.OPERATION_TIMEOUT);
        assertThat(e.getMessage()).contains("sleep 600").contains("killed");
    }

    @Test
    void killingATreeEndsTheGrandchildrenToo() {
        // as runc starts CRIU and CRIU the restored tasks
        Process p = start("sh", "-c", "sh -c 'sleep 600 & wait' & sleep 600 & wait");
        Await.until("the tree has grown", () -> p.descendants().count() == 3);
        List<ProcessHandle> tree = p.descendants().toList();

        ProcessTree.kill(p.toHandle());

        Await.until("every process of the tree is gone", () -> !p.isAlive() && tree.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void aLogPastItsCapStopsItsWriterAndIsCutToItsTail() throws Exception {
        Path log = dir.resolve("restore.log");
        String loop = "while :; do head -c 65536 /dev/zero | tr '\\0' x; echo; echo 'Error (looping): again'; done >> " + log;

        TorporException e = catchThrowableOfType(TorporException.class, () -> ProcessRunner.runAllowingFailure(
                List.of("sh", "-c", loop), Duration.ofMinutes(5), new ProcessWatch.CappedLog(log, 2 * 1024 * 1024)));

        assertThat(e.kind()).isEqualTo(ErrorKind.FAILED);
        assertThat(e.getMessage()).contains("restore.log passed 2048 KiB").contains("Error (looping): again");
        assertThat(Files.size(log)).isLessThanOrEqualTo(1024 * 1024);
        long cut = Files.size(log);
        Await.until("nothing writes to the log any more", () -> sizeOf(log) == cut);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Process start(String... argv) {
        try {
            return new ProcessBuilder(argv).start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
