package dev.torpor.cli;

import dev.torpor.cli.client.Table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.api.InstanceView;
import dev.torpor.lifecycle.InstanceState;
import dev.torpor.lifecycle.StateLoss;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void columnsAreAsWideAsTheirWidestCellWithoutTrailingSpaces() {
        String t = new Table("NAME", "SIZE", "NOTE").row("a", "1.0 KiB", "").row("longer-name", "0 B", "x").render();
        assertThat(t).isEqualTo("""
                NAME         SIZE     NOTE
                a            1.0 KiB
                longer-name  0 B      x
                """);
    }

    @Test
    void aRowOfTheWrongWidthIsABug() {
        assertThatThrownBy(() -> new Table("A", "B").row("only one")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncateCutsWithAnEllipsisAndKeepsOneLine() {
        assertThat(Table.truncate("short", 10)).isEqualTo("short");
        assertThat(Table.truncate("exactly10!", 10)).isEqualTo("exactly10!");
        assertThat(Table.truncate("function process\nexited with status 1", 20)).isEqualTo("function process ex…").hasSize(20);
        assertThat(Table.truncate(null, 5)).isEmpty();
    }

    @Test
    void psShowsHumanSizesCountsAddressesAndTheLastErrorCut() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        var running = new InstanceView("counter", "counter-1a2b3c4d", InstanceState.IDLE, 50L << 20, 0, t, t, 3, 0, 0,
                null, List.of(InstanceState.STARTING, InstanceState.IDLE), null, "10.107.205.2");
        var saved = new InstanceView("density-1", "density-1-00ff00ff", InstanceState.CHECKPOINTED, 0, 71_500_000, t, t,
                2, 2, 1, "checkpoint failed: criu dump exited with status 1 because of an open socket", List.of(), null, null);
        var timedOut = new InstanceView("slow", "slow-0a0b0c0d", InstanceState.FAILED, 0, 0, t, t, 1, 0, 0,
                "timed out after 3 s; instance stopped", List.of(), new StateLoss(StateLoss.Reason.TIMEOUT, "timed out", t), null);

        assertThat(InstanceTable.of(List.of(running, saved, timedOut))).isEqualTo("""
                FUNCTION   INSTANCE            STATE         RESIDENT  CHECKPOINT  INVOCATIONS  CHECKPOINTS/RESTORES  ADDRESS       STATE LOST  LAST ERROR
                counter    counter-1a2b3c4d    IDLE          50.0 MiB  -           3            0/0                   10.107.205.2  -
                density-1  density-1-00ff00ff  CHECKPOINTED  0 B       68.2 MiB    2            2/1                   -             -           checkpoint failed: criu dump exited wit…
                slow       slow-0a0b0c0d       FAILED        0 B       -           1            0/0                   -             timeout     timed out after 3 s; instance stopped
                """);
        assertThat(InstanceTable.line(saved)).isEqualTo("density-1-00ff00ff CHECKPOINTED, resident 0 B, checkpoint 68.2 MiB");
    }
}
