package dev.torpor.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.testing.Await;
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
        return new Manifest(FormatVersions.IMAGE, "fn", id, 1, "sha", 128L << 20, Instant.EPOCH, "runc", "criu", "6.1",
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
        Await.until("the retired image's files are gone", () -> !Files.exists(dir));
    }

    @Test
    void aNewImageCommittedWhileAnOldOneIsRetiredSurvives() throws Exception {
        DirectoryCheckpointStore store = new DirectoryCheckpointStore(root);
        Path old = image(store, "i1");
        store.retire(old);
        Path fresh = image(store, "i1"); // its commit drops older images, racing the retire: both must be fine
        Await.until("the retired image's files are gone", () -> !Files.exists(old));
        assertThat(store.latest("i1")).map(CheckpointStore.Image::dir).contains(fresh);
    }

    @Test
    void aCommitInTheBackgroundIsWaitedForByLatestAndDelete() throws Exception {
        DirectoryCheckpointStore store = new DirectoryCheckpointStore(root);
        Path dir = store.begin("i2");
        Files.write(dir.resolve("pages-1.img"), new byte[8 << 20]);
        var pending = store.commitLater(dir, manifest("i2"));

        var latest = store.latest("i2"); // waits for the commit instead of missing the image
        assertThat(pending).isDone();
        assertThat(latest).map(CheckpointStore.Image::dir).contains(dir);
        assertThat(latest.get().manifest().totalBytes()).isEqualTo(8 << 20);
        assertThat(CheckpointStore.bytesOf(dir)).isGreaterThanOrEqualTo(8 << 20);

        Path next = store.begin("i2");
        Files.write(next.resolve("pages-1.img"), new byte[1 << 20]);
        store.commitLater(next, manifest("i2"));
        store.delete("i2"); // waits too, so the commit cannot write into a deleted directory
        assertThat(root.resolve("i2")).doesNotExist();
        store.awaitCommits();
    }

    @Test
    void quarantineMovesEveryImageOfTheInstanceAsideWhereNothingTouchesIt() throws Exception {
        DirectoryCheckpointStore store = new DirectoryCheckpointStore(root);
        Path dir = image(store, "i3");
        image(store, "i4");

        Path where = store.quarantine("i3");

        assertThat(where.getParent()).isEqualTo(root.resolve(DirectoryCheckpointStore.QUARANTINE));
        assertThat(where.getFileName().toString()).startsWith("i3-");
        assertThat(where.resolve(dir.getFileName()).resolve("pages-1.img")).as("kept whole").exists();
        assertThat(store.latest("i3")).isEmpty();
        store.sweepIncomplete();
        store.delete("i3");
        assertThat(where.resolve(dir.getFileName()).resolve(Manifest.FILE_NAME)).as("neither swept nor deleted").exists();
        assertThat(store.latest("i4")).as("the other instances' images stay").isPresent();
    }
}
