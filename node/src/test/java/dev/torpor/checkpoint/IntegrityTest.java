package dev.torpor.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntegrityTest {
    @TempDir
    Path root;
    private CheckpointStore.Image image;

    @BeforeEach
    void anImage() throws Exception {
        DirectoryCheckpointStore store = new DirectoryCheckpointStore(root);
        Path dir = store.begin("i1");
        Files.write(dir.resolve("pages-1.img"), new byte[1 << 20]);
        Files.writeString(dir.resolve("core-1.img"), "core");
        store.commit(dir, new Manifest(FormatVersions.IMAGE, "fn", "i1", 1, "sha", 128L << 20, Instant.EPOCH, "runc",
                "criu", "6.1", "amd64", List.of()));
        image = store.latest("i1").orElseThrow();
    }

    @Test
    void anImageAsDumpedPasses() {
        assertThatCode(() -> Integrity.require(image)).doesNotThrowAnyException();
    }

    @Test
    void oneFlippedByteIsFoundAndNamed() throws Exception {
        Path pages = image.dir().resolve("pages-1.img");
        byte[] bytes = Files.readAllBytes(pages);
        bytes[12345] = 1;
        Files.write(pages, bytes);

        assertThatCode(() -> Integrity.requireListed(image)).as("a stat cannot see it").doesNotThrowAnyException();
        assertDamaged(() -> Integrity.require(image), "pages-1.img no longer has its CRC32C");
    }

    @Test
    void aMissingOrResizedFileIsFoundWithoutReadingTheImage() throws Exception {
        Files.writeString(image.dir().resolve("core-1.img"), "core, longer");
        assertDamaged(() -> Integrity.requireListed(image), "core-1.img changed size");

        Files.delete(image.dir().resolve("core-1.img"));
        assertDamaged(() -> Integrity.requireListed(image), "core-1.img is missing");
    }

    @Test
    void filesTheManifestDoesNotListAreNoPartOfTheImage() throws Exception {
        Files.writeString(image.dir().resolve("stats-restore"), "left by a restore that failed");
        assertThatCode(() -> Integrity.require(image)).doesNotThrowAnyException();
    }

    private static void assertDamaged(org.assertj.core.api.ThrowableAssert.ThrowingCallable check, String why) {
        assertThatThrownBy(check).isInstanceOfSatisfying(TorporException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INCOMPATIBLE_IMAGE);
            assertThat(e.getMessage()).contains(why);
        });
    }
}
