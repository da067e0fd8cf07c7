package dev.torpor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Migration and Backup tables and their JSON, on the fixed results of {@link Fixtures}. */
class ClusterReportTest {
    private final Results r = Fixtures.results();

    @Test
    void migrationRowsHaveMediansAndP95OfTheMovesMadeAsAsked() {
        assertThat(ClusterReport.migrationTable(r)).contains(
                "| function holds | migration | total ms | frozen ms | call ms | first answer ms | image | sent | moves as asked | failures |",
                "| 10 MB | stop-and-copy, zstd | 520 (900) | 310 (700) | 530 (910) | 12.0 (12.0) | 20.0 MiB | 1.0 MiB | 3/3 (1 wrong answers) |  |",
                "| 10 MB | stop-and-copy, uncompressed | 402 (403) | 250 (250) | 410 (410) | 11.0 (11.0) | 20.0 MiB | 20.0 MiB | 3/3 |  |");
    }

    @Test
    void aRefusedModeIsAFailedRowWithTheNodesWordsAndNoNumbers() {
        String md = ClusterReport.migrationTable(r);
        assertThat(md).contains("| 10 MB | post-copy, zstd | – | – | – | – | – | – | 0/3 | **FAILED** 3×: the node answered 400 "
                + "InvalidParameterValueException: post-copy needs a page server |");
        // Done as stop-and-copy by a node that ignores the mode: its figures are not post-copy's, so none is shown.
        assertThat(md).contains("| 10 MB | post-copy, uncompressed | – | – | – | – | – | – | 0/3 | **FAILED** 3×: the node moved it "
                + "but its report names no mode");
        assertThat(md).doesNotContain("9999");
    }

    @Test
    void backupRowsShowTheImageAndTheFirstSecondAndLastCopy() {
        String md = ClusterReport.backupTable(r);
        assertThat(md).contains("| function holds | image | 1st backup shipped | 2nd backup shipped | 10th backup shipped | events meanwhile | failures |",
                "| 10 MB | 20.0 MiB | 9.0 MiB (45%) | 19.0 KiB (0.09%) | 19.0 KiB (0.09%) | 10/10 correct |  |",
                "| 50 MB | 60.0 MiB | 10.0 MiB (17%) | missed | missed | 1/2 correct (1 wrong) | **FAILED**: copies 2–2 were replaced");
    }

    @Test
    void aBrokenPartSaysWhyInsteadOfATable() {
        Results broken = new Results(r.mode(), r.startedAt(), r.seconds(), r.machine(), r.versions(), r.settings(), r.systems(),
                r.samples(), r.memory(), r.checkpointSizes(), r.agent(), r.density(), List.of(), List.of(),
                Map.of("migration", "starting the two nodes: address in use"), r.targets());
        assertThat(ClusterReport.migrationTable(broken)).isEqualTo("**The migration run broke**: starting the two nodes: address in use\n\n");
        assertThat(ClusterReport.backupTable(broken)).isEqualTo("Backup: not run.\n");
    }

    @Test
    void theFullReportHasBothSectionsWithTheirSettings() {
        String md = Report.full(r, List.of("migration.png"));
        assertThat(md).contains("## Migration", "Median (p95) over 3 rounds", "## Backup", "`torpor:backup-interval-ms=500`", "an event every 250 ms meanwhile",
                "![migration.png](migration.png)");
        assertThat(md.indexOf("## Migration")).isLessThan(md.indexOf("## Backup")).isLessThan(md.indexOf("## Plots"));
    }

    @Test
    void resultsJsonKeepsEveryMoveFailedOnesWithTheirErrorAndNoFigures(@TempDir Path out) throws Exception {
        Path dir = Bench.write(r, out);
        assertThat(dir.resolve("migration.png")).isNotEmptyFile();
        JsonNode json = Bench.JSON.readTree(dir.resolve("results.json").toFile());
        assertThat(json.get("migrations")).hasSize(12);
        JsonNode refused = json.get("migrations").get(2);
        assertThat(refused.get("mode").asText()).isEqualTo("post-copy");
        assertThat(refused.get("error").asText()).contains("400 InvalidParameterValueException");
        assertThat(refused.get("totalMs").isNull()).isTrue();
        assertThat(json.get("backups").get(0).get("copies")).hasSize(10);
        assertThat(json.get("settings").get("backups").asInt()).isEqualTo(10);
    }

    @Test
    void ordinals() {
        assertThat(List.of(1, 2, 3, 4, 10, 11, 12, 13, 21, 22, 102).stream().map(ClusterReport::ordinal))
                .containsExactly("1st", "2nd", "3rd", "4th", "10th", "11th", "12th", "13th", "21st", "22nd", "102nd");
    }
}
