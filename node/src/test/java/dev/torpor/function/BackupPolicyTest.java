package dev.torpor.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.TorporException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class BackupPolicyTest {

    @Test
    void noPeerTagMeansNoBackups() {
        assertThat(BackupPolicy.fromTags(Map.of("torpor:suspend", "none"))).isEmpty();
    }

    @Test
    void aPeerAloneBacksUpEveryTenSeconds() {
        assertThat(BackupPolicy.fromTags(Map.of("torpor:backup", " edge-b "))).contains(new BackupPolicy("edge-b", Duration.ofSeconds(10)));
    }

    @Test
    void theIntervalIsTakenFromItsTag() {
        assertThat(BackupPolicy.fromTags(Map.of("torpor:backup", "edge-b", "torpor:backup-interval-ms", "1500")))
                .contains(new BackupPolicy("edge-b", Duration.ofMillis(1500)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "0", "199", "1.5", "soon", ""})
    void badIntervalsAreRefused(String ms) {
        assertThatThrownBy(() -> BackupPolicy.fromTags(Map.of("torpor:backup", "edge-b", "torpor:backup-interval-ms", ms)))
                .isInstanceOf(TorporException.class).hasMessageContaining("torpor:backup-interval-ms");
    }

    @Test
    void anIntervalWithoutAPeerIsRefused() {
        assertThatThrownBy(() -> BackupPolicy.fromTags(Map.of("torpor:backup-interval-ms", "1000")))
                .isInstanceOf(TorporException.class).hasMessageContaining("torpor:backup");
    }
}
