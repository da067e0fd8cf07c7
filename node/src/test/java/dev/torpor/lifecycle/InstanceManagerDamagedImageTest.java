package dev.torpor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.Manifest;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.SuspendPolicy.Mode;
import dev.torpor.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Damaged images: refused before CRIU reads them, moved into quarantine, and never a reason for the node to stop. */
class InstanceManagerDamagedImageTest extends InstanceManagerFixture {
    private final List<Path> quarantined = new CopyOnWriteArrayList<>();

    @Test
    void aFlippedByteIsRefusedQuarantinedAndReleasesTheReservation() throws Exception {
        startManager(16 * MEMORY, Duration.ofSeconds(5), new LifecycleObserver() {
            @Override
            public void imageQuarantined(Instance.Snapshot instance, Path where) {
                quarantined.add(where);
            }
        });
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, IDLE_MS);
        String id = checkpointedAfterOneInvocation(fn).id();
        String damagedFile = flipOneByte(id);

        assertThatThrownBy(() -> invoke(fn, "b")).isInstanceOfSatisfying(TorporException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INCOMPATIBLE_IMAGE);
            assertThat(e.detail()).contains("damaged").contains(damagedFile);
        });

        Instance.Snapshot s = instanceOf(fn);
        assertThat(s.state()).isEqualTo(InstanceState.FAILED);
        assertThat(s.lastError()).contains("quarantined").contains(damagedFile);
        assertThat(quarantined).singleElement().satisfies(where -> {
            assertThat(where).startsWith(tmp.resolve("images").resolve("quarantine"));
            assertThat(s.lastError()).contains(where.toString());
            try (Stream<Path> files = Files.walk(where)) {
                assertThat(files).as("kept whole").anyMatch(f -> f.getFileName().toString().equals(damagedFile));
            }
        });
        assertThat(images.latest(id)).as("never restored").isEmpty();
        assertThat(budget.holds(id)).as("the reservation is released").isFalse();
        assertThat(runtime.count(FakeContainerRuntime.Verb.RESTORE)).as("CRIU was never asked").isZero();
        assertThat(invoke(fn, "c")).as("the next invocation starts afresh").isEqualTo("c#1");
    }

    @Test
    void anUnreadableManifestIsRefusedOnceNotForever() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, IDLE_MS);
        String id = checkpointedAfterOneInvocation(fn).id();
        garbleManifest(id);

        assertThatThrownBy(() -> invoke(fn, "b")).isInstanceOfSatisfying(TorporException.class,
                e -> assertThat(e.detail()).contains("unreadable manifest"));

        assertThat(instanceOf(fn).state()).isEqualTo(InstanceState.FAILED);
        assertThat(budget.holds(id)).as("the reservation is released").isFalse();
        assertThat(invoke(fn, "c")).as("the next invocation starts afresh").isEqualTo("c#1");
    }

    @Test
    void aRestartWithAGarbledManifestQuarantinesItAndTakesBackTheRest() throws Exception {
        assertARestartAfterDamageServesTheRest(this::garbleManifest);
    }

    @Test
    void aRestartWithAFileMissingQuarantinesItAndTakesBackTheRest() throws Exception {
        assertARestartAfterDamageServesTheRest(id -> Files.delete(anImageFile(id)));
    }

    private interface Damage {
        void to(String instanceId) throws Exception;
    }

    /** Two functions checkpointed, the image of one damaged, the node restarted: reported, and the other one served. */
    private void assertARestartAfterDamageServesTheRest(Damage damage) throws Exception {
        FunctionDefinition damaged = deploy("damaged", Mode.CHECKPOINT, IDLE_MS);
        FunctionDefinition whole = deploy("whole", Mode.CHECKPOINT, IDLE_MS);
        String id = checkpointedAfterOneInvocation(damaged).id();
        Path wholeImage = images.latest(checkpointedAfterOneInvocation(whole).id()).orElseThrow().dir();
        damage.to(id);

        restartManager();

        assertThat(invoke(whole, "b")).as("state intact").isEqualTo("b#2");
        Await.until("the restored image is retired", () -> !Files.exists(wholeImage));
        Instance.Snapshot s = instanceOf(damaged);
        assertThat(s.id()).isEqualTo(id);
        assertThat(s.state()).isEqualTo(InstanceState.FAILED);
        assertThat(s.lastError()).startsWith("recovery refused").contains("quarantined");
        assertThat(store.loadAll()).filteredOn(r -> r.id().equals(id)).singleElement().as("recorded")
                .satisfies(r -> assertThat(r.lastError()).contains("quarantined"));
        assertThat(tmp.resolve("images").resolve("quarantine")).isDirectoryContaining(p -> p.getFileName().toString().startsWith(id));
        assertThat(invoke(damaged, "c")).as("the damaged function starts afresh").isEqualTo("c#1");
    }

    private void garbleManifest(String id) throws Exception {
        Path manifest = images.latest(id).orElseThrow().dir().resolve(Manifest.FILE_NAME);
        Files.writeString(manifest, "{\"formatVersion\": 1, \"files\": [{\"na");
    }

    /** Changes one byte of one of the image's files, keeping its size; the file's name. */
    private String flipOneByte(String id) throws Exception {
        Path file = anImageFile(id);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
        return file.getFileName().toString();
    }

    private Path anImageFile(String id) {
        var image = images.latest(id).orElseThrow();
        return image.manifest().files().stream().map(f -> image.dir().resolve(f.name()))
                .filter(f -> !f.getFileName().toString().equals("cpuinfo.img")).findFirst().orElseThrow();
    }
}
