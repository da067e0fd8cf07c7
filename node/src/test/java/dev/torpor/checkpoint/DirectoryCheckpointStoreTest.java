package dev.torpor.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DirectoryCheckpointStoreTest {
    @TempDir
    Path root;

    private static Manifest manifest(String id) {
        return new Manifest(Manifest.FORMAT_VERSION, "fn", id, 1, "sha", 128L << 20, Instant.EPOCH, "runc", "criu", "6.1",
                "amd64", List.of());
    }

    private Path image(DirectoryCheckpointStore store, String id) throws Exception {
        Path dir = store.begin(id);
        Files.write(dir.resolve("pages-1.img"), new byte[1 << 16]);
        store.commit(dir, manifest(id));
        return dir;
    }

    @Test
    void aRetiredImageIsNoLongerLatestAtOnceAndItsFilesGoSoonAfter() throws Exception {
        DirectoryCheckpointStore store = new DirectoryCheckpointStore(root);
        Path dir = image(store, "i1");
        assertThat(store.latest("i1")).isPresent();

        store.retire(dir);

        assertThat(store.latest("i1")).isEmpty();
        while (Files.exists(dir)) Thread.sleep(5);
    }

    @Test
    void aNewImageCommittedWhileAnOldOneIsRetiredSurvives() throws Exception {
        DirectoryCheckpointStore store = new DirectoryCheckpointStore(root);
        Path old = image(store, "i1");
        store.retire(old);
        Path fresh = image(store, "i1"); // its commit drops older images, racing the retire: both must be fine
        while (Files.exists(old)) Thread.sleep(5);
        assertThat(store.latest("i1")).map(CheckpointStore.Image::dir).contains(fresh);
    }
}
