package dev.torpor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class PlotsTest {
    @Test
    void memoryOverTheDensityClimbIsEachPolicysSamplesInOrderAcrossItsSteps() {
        double[][] none = Plots.memoryOverTime(Fixtures.results(), "none");
        assertThat(none[0]).containsExactly(0.25, 0.5, 0.75);
        assertThat(none[1]).containsExactly(60.0, 70.0, 72.0);
        double[][] checkpoint = Plots.memoryOverTime(Fixtures.results(), "checkpoint");
        assertThat(checkpoint[0]).containsExactly(0.25, 5.0, 5.25);
        assertThat(checkpoint[1]).containsExactly(30.0, 64.0, 0.0);
    }

    @Test
    void theMemoryChartHasALinePerPolicyAndTheBudgetAcrossTheLongestClimb() {
        XYChart c = Plots.densityMemory(Fixtures.results());
        assertThat(c.getSeriesMap()).containsOnlyKeys("none", "checkpoint", "budget");
        XYSeries budget = c.getSeriesMap().get("budget");
        assertThat(budget.getXData()).containsExactly(0.0, 5.25);
        assertThat(budget.getYData()).containsExactly(256.0, 256.0);
    }

    @Test
    void aRunWithoutMemorySamplesDrawsNoMemoryChart(@TempDir Path dir) throws Exception {
        Results r = Fixtures.results();
        Results none = new Results(r.mode(), r.startedAt(), r.seconds(), r.machine(), r.versions(), r.settings(), r.systems(),
                r.samples(), r.memory(), r.checkpointSizes(), r.agent(), r.density().stream().map(p -> new Results.DensityPoint(
                        p.policy(), p.deployed(), p.alive(), p.events(), p.correct(), p.failed(), p.latenciesMs(), p.firstError(),
                        java.util.List.of())).toList(), r.migrations(), r.backups(), r.brokenParts(), r.targets());
        assertThat(Plots.densityMemory(none)).isNull();
        assertThat(Plots.write(r, dir)).contains("density-memory.png");
        assertThat(Files.size(dir.resolve("density-memory.png"))).isPositive();
    }
}
