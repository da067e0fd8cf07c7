package dev.torpor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Judging a node's migration report against what was asked. */
class MigrationRunTest {
    @Test
    void aReportThatNamesTheAskedModeIsFine() {
        assertThat(MigrationRun.modeProblem("post-copy", "post-copy")).isNull();
        assertThat(MigrationRun.modeProblem("stop-and-copy", "stop-and-copy")).isNull();
    }

    @Test
    void noModeInTheReportIsStopAndCopyTheOnlyKindANodeWithoutModesMakes() {
        assertThat(MigrationRun.modeProblem("stop-and-copy", null)).isNull();
        assertThat(MigrationRun.modeProblem("post-copy", null)).contains("names no mode", "not post-copy");
    }

    @Test
    void anotherModeThanAskedIsAProblem() {
        assertThat(MigrationRun.modeProblem("post-copy", "stop-and-copy")).isEqualTo("asked for post-copy, the node reports stop-and-copy");
    }

    @Test
    void everySizeGetsOneFunctionPerVariantWithADistinctName() {
        assertThat(MigrationRun.VARIANTS.stream().map(v -> MigrationRun.function(50, v)))
                .containsExactly("m50-stop-z", "m50-stop-raw", "m50-post-z", "m50-post-raw");
        assertThat(MigrationRun.VARIANTS.stream().map(MigrationRun.Variant::label))
                .containsExactly("stop-and-copy, zstd", "stop-and-copy, uncompressed", "post-copy, zstd", "post-copy, uncompressed");
    }
}
