package dev.torpor.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeTest {
    @TempDir
    Path tmp;

    @Test
    void cutsPageFilesIntoPagesAndOtherFilesWhole() throws Exception {
        CheckpointStore.Image image = TestImages.image(tmp, "fn", 10, i -> i < 5 ? TestImages.randomPage(1, i) : null);

        Recipe recipe = Recipe.of(image.dir());

        Recipe.FileRecipe pages = file(recipe, "pages-1.img");
        assertThat(pages.size()).isEqualTo(10 * 4096);
        assertThat(pages.chunks()).hasSize(10);
        assertThat(pages.chunks().get(2)).isEqualTo(Sha256.hex(TestImages.randomPage(1, 2), 0, 4096));
        // The five zero pages are one chunk.
        assertThat(pages.chunks().subList(5, 10)).containsOnly(Sha256.hex(new byte[4096], 0, 4096));
        byte[] core = Files.readAllBytes(image.dir().resolve("core-1.img"));
        assertThat(file(recipe, "core-1.img").chunks()).containsExactly(Sha256.hex(core, 0, core.length));
        assertThat(file(recipe, "stats-dump").chunks()).isEmpty();
        assertThat(recipe.chunkIds()).hasSize(5 + 1 + 4);
        assertThat(recipe.totalBytes()).isEqualTo(image.manifest().totalBytes());
    }

    @Test
    void cutsALargeOtherFileAtTheChunkLimit() throws Exception {
        DirectoryCheckpointStore store = new DirectoryCheckpointStore(tmp);
        Path dir = store.begin("fn");
        byte[] big = new byte[Recipe.MAX_CHUNK + 10];
        Arrays.fill(big, Recipe.MAX_CHUNK, big.length, (byte) 7);
        Files.write(dir.resolve("tmpfs-dev-1.tar.gz.img"), big);
        store.commit(dir, ManifestTest.manifest(List.of()));

        Recipe.FileRecipe f = file(Recipe.of(dir), "tmpfs-dev-1.tar.gz.img");

        assertThat(f.chunks()).containsExactly(Sha256.hex(big, 0, Recipe.MAX_CHUNK), Sha256.hex(big, Recipe.MAX_CHUNK, 10));
    }

    @Test
    void refusesAnImageDamagedSinceItsDump() throws Exception {
        CheckpointStore.Image image = TestImages.image(tmp, "fn", 2, i -> TestImages.randomPage(1, i));
        byte[] pages = Files.readAllBytes(image.dir().resolve("pages-1.img"));
        pages[5000] ^= 1;
        Files.write(image.dir().resolve("pages-1.img"), pages);

        assertThatThrownBy(() -> Recipe.of(image.dir()))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INCOMPATIBLE_IMAGE))
                .hasMessageContaining("pages-1.img no longer has its CRC32C");
    }

    @Test
    void refusesRecipesThatCannotDescribeAnImage() {
        String id = "ab".repeat(32);
        assertThatThrownBy(() -> new Recipe.FileRecipe("../core-1.img", 1, List.of(id))).hasMessageContaining("names a file");
        assertThatThrownBy(() -> new Recipe.FileRecipe("pages-1.img", 4097, List.of(id))).hasMessageContaining("of 4097 bytes 1 chunks");
        assertThatThrownBy(() -> new Recipe.FileRecipe("core-1.img", 1, List.of("AB".repeat(32)))).hasMessageContaining("not a SHA-256");
        Recipe.FileRecipe f = new Recipe.FileRecipe("core-1.img", 1, List.of(id));
        assertThatThrownBy(() -> new Recipe(List.of(f, f))).hasMessageContaining("twice");
    }

    @Test
    void aSnapshotsRecipeSurvivesJson() throws Exception {
        Recipe recipe = Recipe.of(TestImages.image(tmp, "fn", 3, i -> TestImages.randomPage(1, i)).dir());

        String json = DirectoryCheckpointStore.JSON.writeValueAsString(recipe);

        assertThat(DirectoryCheckpointStore.JSON.readValue(json, Recipe.class)).isEqualTo(recipe);
        assertThat(json).doesNotContain("chunkIds", "totalBytes");
    }

    private static Recipe.FileRecipe file(Recipe recipe, String name) {
        return recipe.files().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }
}
