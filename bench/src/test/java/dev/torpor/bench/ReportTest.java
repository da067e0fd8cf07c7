package dev.torpor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writers on a fixed results object: no timing, no containers. */
class ReportTest {
    private final Results r = Fixtures.results();

    @Test
    void headlineHasEverySystemAndComputedMedians() {
        String md = Report.summary(r);
        assertThat(md).contains("| Torpor | raw runc | Docker | Podman |");
        // checkpoint medians: Torpor 210 (p95 400), runc 185, Docker 1600
        assertThat(md).contains("| suspend: checkpoint to disk | 210 (400) | 185 (190) | 1600 (1700) | failed |");
        assertThat(md).contains("| memory checkpointed (cgroup) | 0 B |");
        assertThat(md).contains("34.0 MiB / 2.0 MiB"); // Torpor's image, raw / zstd
        assertThat(md).contains("wake: cold start + answer (state lost)");
    }

    @Test
    void everyTargetIsPrintedWithItsRatioAndVerdict() {
        String md = Report.summary(r);
        assertThat(md).contains("| 1.14 | Torpor ÷ raw runc ≤ 1.20 | **met** |");
        assertThat(md).contains("| 1.55 | Torpor ÷ raw runc ≤ 1.20 | **missed** |");
        assertThat(md).contains("| 0.13 | Torpor ÷ Docker ≤ 0.33 | **met** |");
        assertThat(md).contains("| 12 | × ≥ 10 | **met** |");
    }

    @Test
    void aFailedPeerIsReportedWithItsError() {
        String md = Report.summary(r);
        assertThat(md).contains("**Podman failed**: podman run failed, exit 125: no image");
    }

    @Test
    void fullReportHasRatiosWrongAnswersDensityAndPlots() {
        String md = Report.full(r, List.of("density.png"));
        assertThat(md).contains("## Ratios: Torpor ÷ peer");
        assertThat(md).contains("| suspend: checkpoint to disk, 25 MB | 1.14 | 0.13 | – |");
        assertThat(md).contains("(1 wrong answers)");
        assertThat(md).contains("| checkpoint | 24 | 24 | 48 | 48 | 0 |");
        assertThat(md).contains("d2: 429 TooManyRequests");
        assertThat(md).contains("![density.png](density.png)");
        assertThat(md).contains("- runc: runc version 1.1.5");
    }

    @Test
    void bytesAndSharesAreWrittenInTheUnitsTheyNeed() {
        assertThat(Report.bytes(512)).isEqualTo("512 B");
        assertThat(Report.bytes(19_456)).isEqualTo("19.0 KiB");
        assertThat(Report.bytes(3L << 20)).isEqualTo("3.0 MiB");
        assertThat(Report.bytes(Double.NaN)).isEqualTo("–");
        assertThat(Report.percent(46, 100)).isEqualTo("46%");
        assertThat(Report.percent(47, 1000)).isEqualTo("4.7%");
        assertThat(Report.percent(9, 10_000)).isEqualTo("0.09%");
        assertThat(Report.percent(1, 0)).isEqualTo("–");
    }

    @Test
    void writesJsonMarkdownAndPlotsAndMirrorsThemToLatest(@TempDir Path out) throws Exception {
        Path dir = Bench.write(r, out);
        for (String f : List.of("results.json", "report.md", "summary.md", "density.png", "memory.png", "latency-25mb.png")) {
            assertThat(dir.resolve(f)).as(f).isNotEmptyFile();
            assertThat(out.resolve("latest").resolve(f)).as("latest/" + f).isNotEmptyFile();
        }
        JsonNode json = Bench.JSON.readTree(dir.resolve("results.json").toFile());
        assertThat(json.get("samples")).hasSize(r.samples().size());
        assertThat(json.get("targets").get(0).get("id").asText()).isEqualTo("suspend-vs-runc");
        assertThat(json.get("systems").get(3).get("error").asText()).contains("no image");
        assertThat(Files.readString(dir.resolve("summary.md"))).isEqualTo(Report.summary(r));
    }
}
