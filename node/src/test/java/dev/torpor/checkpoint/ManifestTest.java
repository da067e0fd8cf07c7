package dev.torpor.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestTest {
    static Manifest manifest(List<Manifest.FileEntry> files) {
        return new Manifest(FormatVersions.IMAGE, "counter", "i-1", 3, "c29kZQ==", 64L << 20,
                Instant.parse("2025-01-02T03:04:05Z"), "runc 1.2", "4.2.1", "6.8.0", "x86_64", files);
    }

    @Test
    void localEntriesOmitTheirMissingSha256() throws Exception {
        String json = DirectoryCheckpointStore.JSON.writeValueAsString(manifest(List.of(new Manifest.FileEntry("a.img", 3, 7))));

        assertThat(json).doesNotContain("sha256");
    }

    @Test
    void readsManifestsWrittenBeforeSha256Existed() throws Exception {
        String old = """
                {"formatVersion":1,"function":"counter","instanceId":"i-1","codeRevision":3,"codeSha256":"c29kZQ==",
                 "memoryBytes":67108864,"createdAt":"2025-01-02T03:04:05Z","runtimeVersion":"runc 1.2",
                 "criuVersion":"4.2.1","kernel":"6.8.0","architecture":"x86_64",
                 "files":[{"name":"a.img","size":3,"crc32c":7}]}""";

        Manifest m = DirectoryCheckpointStore.JSON.readValue(old, Manifest.class);

        assertThat(m.formatVersion()).isEqualTo(1);
        assertThat(m).usingRecursiveComparison().ignoringFields("formatVersion")
                .isEqualTo(manifest(List.of(new Manifest.FileEntry("a.img", 3, 7))));
    }

}
