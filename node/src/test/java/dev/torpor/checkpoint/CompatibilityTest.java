package dev.torpor.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CompatibilityTest {
    private static final String CODE = "c29kZQ==";
    private static final Path DIR = Path.of("/images/i-1/1");
    private final List<Path> cpuChecked = new ArrayList<>();
    private Optional<String> cpuAnswer = Optional.empty();
    private final Compatibility here = new Compatibility("x86_64", "Version: 4.2.1", dir -> {
        cpuChecked.add(dir);
        return cpuAnswer;
    });

    private static Manifest manifest(int format, String architecture, String criu, String code, String... files) {
        return new Manifest(format, "counter", "i-1", 3, code, 64L << 20, Instant.EPOCH, "runc 1.2", criu, "6.8.0",
                architecture, java.util.Arrays.stream(files).map(f -> new Manifest.FileEntry(f, 10, 1)).toList());
    }

    private static CheckpointStore.Image image(Manifest m) {
        return new CheckpointStore.Image(DIR, m);
    }

    private static CheckpointStore.Image image(int format, String architecture, String criu, String code) {
        return image(manifest(format, architecture, criu, code, "core-1.img", Compatibility.CPU_INFO));
    }

    @Test
    void anImageMadeByThisNodesKindRestoresAfterItsCpuIsChecked() {
        assertThat(here.refusal(image(FormatVersions.IMAGE, "x86_64", "4.2.1", CODE), CODE)).isEmpty();
        assertThat(cpuChecked).containsExactly(DIR);
    }

    @Test
    void anOlderCriuVersionIsFine() {
        assertThat(here.refusal(image(FormatVersions.IMAGE, "x86_64", "Version: 3.19", CODE), CODE)).isEmpty();
    }

    @Test
    void anOlderManifestFormatIsRefusedBeforeAnythingElseIsRead() {
        Manifest older = manifest(1, null, null, null); // as a version-1 manifest missing what version 2 has

        assertThat(here.refusal(image(older), CODE)).contains(
                new Compatibility.Refusal("format version", "1", Integer.toString(FormatVersions.IMAGE)));
        assertThat(cpuChecked).isEmpty();
    }

    @Test
    void anotherArchitectureIsRefused() {
        assertThat(here.refusal(image(FormatVersions.IMAGE, "aarch64", "4.2.1", CODE), CODE).map(Compatibility.Refusal::reason))
                .contains("architecture: image aarch64, this node x86_64");
    }

    @Test
    void anImageOfANewerCriuIsRefused() {
        assertThat(here.refusal(image(FormatVersions.IMAGE, "x86_64", "Version: 4.3", CODE), CODE).map(Compatibility.Refusal::reason))
                .contains("CRIU version: image Version: 4.3 (newer), this node Version: 4.2.1");
    }

    @Test
    void otherCodeIsRefused() {
        assertThat(here.refusal(image(FormatVersions.IMAGE, "x86_64", "4.2.1", "b3RoZXI="), CODE)).contains(
                new Compatibility.Refusal("code SHA-256", "b3RoZXI=", CODE + " (counter)"));
    }

    @Test
    void anImageNotRecordingItsCpuIsRefused() {
        Manifest m = manifest(FormatVersions.IMAGE, "x86_64", "4.2.1", CODE, "core-1.img");

        assertThat(here.refusal(image(m), CODE).map(Compatibility.Refusal::field)).contains("CPU features");
        assertThat(cpuChecked).isEmpty();
    }

    @Test
    void aCpuLackingFeaturesTheImageUsedIsRefusedWithCriusWords() {
        cpuAnswer = Optional.of("cpu: CPU instruction capabilities do not match run time");

        assertThat(here.refusal(image(FormatVersions.IMAGE, "x86_64", "4.2.1", CODE), CODE).map(Compatibility.Refusal::reason))
                .contains("CPU features: image as in its cpuinfo.img, this node lacks some "
                        + "(cpu: CPU instruction capabilities do not match run time)");
    }

    @Test
    void aMigrationOfferIsJudgedByTheSameRulesBeforeThereIsAnImage() {
        assertThat(here.refusal(new Compatibility.Origin(FormatVersions.IMAGE, "x86_64", "4.2.1"))).isEmpty();
        assertThat(here.refusal(new Compatibility.Origin(FormatVersions.IMAGE, "aarch64", "4.2.1")).map(Compatibility.Refusal::field))
                .contains("architecture");
        assertThat(here.refusal(new Compatibility.Origin(FormatVersions.IMAGE, "x86_64", "5.0")).map(Compatibility.Refusal::field))
                .contains("CRIU version");
        assertThat(cpuChecked).isEmpty();
    }

    @Test
    void requireSaysWhyAsAnIncompatibleImage() {
        assertThatThrownBy(() -> here.require(image(FormatVersions.IMAGE, "aarch64", "4.2.1", CODE), CODE))
                .isInstanceOfSatisfying(TorporException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INCOMPATIBLE_IMAGE);
                    assertThat(e.detail()).contains("architecture: image aarch64, this node x86_64");
                });
    }
}
