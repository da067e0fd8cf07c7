package dev.torpor.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.api.InstanceView;
import dev.torpor.lifecycle.InstanceState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;

class DemoPartsTest {
    @Test
    void durationsReadAsPeopleSayThem() {
        assertThat(Durations.format(Duration.ofMillis(81))).isEqualTo("81 ms");
        assertThat(Durations.format(Duration.ofMillis(1845))).isEqualTo("1.85 s");
        assertThat(Durations.median(List.of(Duration.ofMillis(30), Duration.ofMillis(10), Duration.ofMillis(20))))
                .isEqualTo(Duration.ofMillis(20));
        assertThat(Durations.median(List.of(Duration.ofMillis(10), Duration.ofMillis(40)))).isEqualTo(Duration.ofMillis(25));
        assertThat(Durations.median(List.of())).isNull();
    }

    /** The demo deploys the examples from the class path, as the jar carries them: same files, bootstrap executable. */
    @Test
    void examplesComeFromTheClassPathAsTheRepositoryHasThem() throws Exception {
        byte[] zip = Examples.zip("counter-python");
        try (ZipFile z = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(zip)).get()) {
            List<ZipArchiveEntry> entries = Collections.list(z.getEntries());
            assertThat(entries).extracting(ZipArchiveEntry::getName).containsExactly("bootstrap");
            assertThat(entries.getFirst().getUnixMode() & 0111).isNotZero();
            String inRepository = Files.readString(Path.of("..", "examples", "counter-python", "bootstrap"));
            assertThat(new String(z.getInputStream(entries.getFirst()).readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(inRepository);
        }
    }

    @Test
    void theScoreboardCountsWakesOnlyAfterASuspension() {
        Scoreboard board = new Scoreboard();
        board.answered("c-1", "c", null, answer(1, 400, null));
        board.answered("c-1", "c", InstanceState.CHECKPOINTED, answer(2, 300, null));
        board.answered("c-1", "c", InstanceState.IDLE, answer(3, 5, null));
        board.answered("c-1", "c", InstanceState.CHECKPOINTED, answer(3, 500, "expected 4"));
        board.saw(view("c-1", InstanceState.IDLE, 50L << 20, 0));
        board.saw(view("c-1", InstanceState.CHECKPOINTED, 0, 49L << 20));

        assertThat(board.answers()).isEqualTo(4);
        assertThat(board.correct()).isEqualTo(3);
        String table = board.table(List.of(view("c-1", InstanceState.CHECKPOINTED, 0, 49L << 20)));
        assertThat(table.lines().toList().get(1).split(" {2,}"))
                .containsExactly("c-1", "c", "STARTING→IDLE→CHECKPOINTED", "50.0 MiB → 0 B", "49.0 MiB", "2", "400 ms", "no 3/4");
    }

    private static Counter.Answer answer(int count, long ms, String problem) {
        return new Counter.Answer(count, Duration.ofMillis(ms), problem);
    }

    private static InstanceView view(String id, InstanceState state, long resident, long image) {
        Instant t = Instant.EPOCH;
        return new InstanceView("c", id, state, resident, image, t, t, 0, 0, 0, null,
                List.of(InstanceState.STARTING, InstanceState.IDLE, InstanceState.CHECKPOINTING, state), null, null);
    }
}
