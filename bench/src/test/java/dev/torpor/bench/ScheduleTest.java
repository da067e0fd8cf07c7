package dev.torpor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    @Test
    void systemsTakeTurnsAtEachSizeInEveryRound() {
        List<Schedule.Step<String>> steps = Schedule.interleaved(2, List.of(5, 25), List.of("A", "B", "C"));
        assertThat(steps).extracting(s -> s.round() + ":" + s.sizeMb() + ":" + s.system()).containsExactly(
                "1:5:A", "1:5:B", "1:5:C", "1:25:A", "1:25:B", "1:25:C",
                "2:5:A", "2:5:B", "2:5:C", "2:25:A", "2:25:B", "2:25:C");
    }

    @Test
    void neverTheSameSystemTwiceInARowWhenThereAreSeveral() {
        List<Schedule.Step<String>> steps = Schedule.interleaved(5, List.of(5, 25, 100), List.of("A", "B", "C", "D"));
        assertThat(steps).hasSize(5 * 3 * 4);
        for (int i = 1; i < steps.size(); i++) assertThat(steps.get(i).system()).isNotEqualTo(steps.get(i - 1).system());
    }

    @Test
    void noRoundsNoSteps() {
        assertThat(Schedule.interleaved(0, List.of(25), List.of("A"))).isEmpty();
    }
}
