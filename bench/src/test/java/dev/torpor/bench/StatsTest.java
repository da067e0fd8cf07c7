package dev.torpor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        assertThat(Stats.median(List.of(9.0, 1.0, 5.0))).isEqualTo(5.0);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    }

    @Test
    void p95IsNearestRankSoAlwaysAMeasuredValue() {
        List<Double> hundred = new ArrayList<>();
        for (int i = 1; i <= 100; i++) hundred.add((double) i);
        assertThat(Stats.percentile(hundred, 95)).isEqualTo(95.0);
        // 12 samples: rank ceil(0.95 * 12) = 12, the largest.
        List<Double> twelve = new ArrayList<>();
        for (int i = 1; i <= 12; i++) twelve.add(i * 10.0);
        assertThat(Stats.percentile(twelve, 95)).isEqualTo(120.0);
        assertThat(Stats.percentile(List.of(7.0), 95)).isEqualTo(7.0);
    }

    @Test
    void emptyAndNaNSamplesSummarizeToNothing() {
        Stats.Summary s = Stats.of(List.of(Double.NaN));
        assertThat(s.empty()).isTrue();
        assertThat(s.median()).isNaN();
        assertThat(Stats.of(List.of(3.0, Double.NaN, 1.0)).n()).isEqualTo(2);
    }

    @Test
    void summaryHasMinMaxMedianAndP95() {
        Stats.Summary s = Stats.of(List.of(10.0, 30.0, 20.0, 40.0));
        assertThat(s).isEqualTo(new Stats.Summary(4, 25.0, 40.0, 10.0, 40.0));
    }

    @Test
    void ratioOfMissingOrZeroIsNaN() {
        assertThat(Stats.ratio(3, 2)).isEqualTo(1.5);
        assertThat(Stats.ratio(3, 0)).isNaN();
        assertThat(Stats.ratio(Double.NaN, 2)).isNaN();
    }

    @Test
    void percentileOutsideItsRangeIsRefused() {
        assertThatThrownBy(() -> Stats.percentile(List.of(1.0), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.percentile(List.of(1.0), 101)).isInstanceOf(IllegalArgumentException.class);
    }
}
