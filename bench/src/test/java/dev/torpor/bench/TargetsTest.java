package dev.torpor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.torpor.bench.Results.TargetResult;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TargetsTest {
    private final Map<String, TargetResult> targets = Fixtures.results().targets().stream()
            .collect(Collectors.toMap(TargetResult::id, t -> t));

    @Test
    void suspendRatioIsTorporMedianOverRuncMedian() {
        TargetResult t = targets.get("suspend-vs-runc");
        assertThat(t.measured()).isCloseTo(210.0 / 185.0, within(1e-9));
        assertThat(t.status()).isEqualTo("met");
        assertThat(t.threshold()).isEqualTo(1.2);
    }

    @Test
    void threeTimesFasterThanDockerIsARatioOfAtMostOneThird() {
        TargetResult t = targets.get("suspend-vs-docker");
        assertThat(t.measured()).isCloseTo(210.0 / 1600.0, within(1e-9));
        assertThat(t.status()).isEqualTo("met");
        assertThat(targets.get("wake-vs-docker").measured()).isCloseTo(310.0 / 1100.0, within(1e-9));
    }

    @Test
    void aRatioAboveTheCeilingIsMissed() {
        TargetResult t = targets.get("wake-vs-runc");
        assertThat(t.measured()).isCloseTo(310.0 / 200.0, within(1e-9));
        assertThat(t.status()).isEqualTo("missed");
    }

    @Test
    void checkpointedMemoryAndAgentAndDensity() {
        assertThat(targets.get("checkpointed-zero").status()).isEqualTo("met");
        // 60 MiB is over the 48 MiB.
        assertThat(targets.get("agent-rss").measured()).isCloseTo(60.0, within(1e-9));
        assertThat(targets.get("agent-rss").status()).isEqualTo("missed");
        assertThat(targets.get("agent-rss").threshold()).isEqualTo(48.0);
        // 24 live under checkpoint, at most 2 under none: 12×.
        assertThat(targets.get("density").measured()).isEqualTo(12.0);
        assertThat(targets.get("density").status()).isEqualTo("met");
    }

    @Test
    void aFailedPeerLeavesItsTargetsUnmeasuredSayingWhy() {
        Results r = Fixtures.results();
        List<Results.SystemStatus> systems = List.of(new Results.SystemStatus("torpor", true, null),
                new Results.SystemStatus("runc", true, null), new Results.SystemStatus("docker", false, "dockerd did not start"),
                new Results.SystemStatus("podman", true, null));
        Results broken = new Results(r.mode(), r.startedAt(), r.seconds(), r.machine(), r.versions(), r.settings(), systems,
                r.samples(), r.memory(), r.checkpointSizes(), r.agent(), r.density(), r.migrations(), r.backups(), r.brokenParts(), List.of());
        TargetResult t = Targets.evaluate(broken).stream().filter(x -> x.id().equals("suspend-vs-docker")).findFirst().orElseThrow();
        assertThat(t.status()).isEqualTo("unmeasured");
        assertThat(t.measured()).isNull();
        assertThat(t.detail()).contains("Docker failed: dockerd did not start");
    }

    @Test
    void densityCountsOnlyStepsWhereEveryEventWasRight() {
        List<Results.DensityPoint> points = List.of(
                new Results.DensityPoint("checkpoint", 8, 8, 16, 16, 0, List.of(), null, List.of()),
                new Results.DensityPoint("checkpoint", 16, 15, 32, 31, 0, List.of(), "d3: state lost", List.of()));
        assertThat(Targets.bestAlive(points, "checkpoint")).isEqualTo(8);
    }

    @Test
    void aCheckpointedInstanceStillHoldingMemoryMissesTheTarget() {
        Results r = Fixtures.results();
        var memory = List.of(new Results.MemorySample("torpor", 25, "checkpointed", 1, 4096, 0, true));
        Results leaky = new Results(r.mode(), r.startedAt(), r.seconds(), r.machine(), r.versions(), r.settings(), r.systems(),
                r.samples(), memory, r.checkpointSizes(), r.agent(), r.density(), r.migrations(), r.backups(), r.brokenParts(), List.of());
        TargetResult t = Targets.checkpointedZero(leaky);
        assertThat(t.status()).isEqualTo("missed");
        assertThat(t.measured()).isEqualTo(4096.0);
    }
}
