package dev.torpor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.SuspendPolicy.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A node killed during a checkpoint comes back with the instance at its previous state or at its new image. */
class InstanceManagerInterruptedCheckpointTest extends InstanceManagerFixture {

    @Test
    void aDumpThatFinishedAfterTheNodeWasKilledBecomesTheImage() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.NONE, IDLE_MS);
        String id = idleAfterOneInvocation(fn);

        manager.close(); // killed, while its runc dumps on and finishes: no manifest was written
        runtime.checkpoint(id, images.begin(id), false);
        restartManager();

        assertThat(instanceOf(fn).state()).isEqualTo(InstanceState.CHECKPOINTED);
        assertThat(images.latest(id)).as("adopted, with its checksums").hasValueSatisfying(
                image -> assertThat(image.manifest().files()).isNotEmpty());
        assertThat(invoke(fn, "b")).as("restored from the adopted image").isEqualTo("b#2");
    }

    @Test
    void aDumpThatLeftTheContainerIsUndoneAndTheContainerTakenBack() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.NONE, IDLE_MS);
        String id = idleAfterOneInvocation(fn);

        manager.close(); // killed after it made the image's directory, before the dump took the container
        images.begin(id);
        runtime.pause(id);
        restartManager();

        assertThat(instanceOf(fn).state()).as("taken back through a fresh checkpoint").isEqualTo(InstanceState.CHECKPOINTED);
        assertThat(imageDirs(id)).as("the begun dump gave way to the fresh one").isEqualTo(1);
        assertThat(images.latest(id)).isPresent();
        assertThat(invoke(fn, "b")).isEqualTo("b#2");
    }

    @Test
    void halfADumpIsNotAdoptedAndTheLossIsTold() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.NONE, IDLE_MS);
        String id = idleAfterOneInvocation(fn);

        manager.close(); // killed; the dump took the process but never finished its image
        Files.writeString(images.begin(id).resolve("pages-1.img"), "half");
        runtime.remove(id);
        List<StateLoss> told = new CopyOnWriteArrayList<>();
        startManager(budget.limitBytes(), Duration.ofSeconds(5), new LifecycleObserver() {
            @Override
            public void stateLost(Instance.Snapshot instance, StateLoss loss) {
                told.add(loss);
            }
        });
        manager.recover();

        Instance.Snapshot s = instanceOf(fn);
        assertThat(s.state()).as("listed, not vanished").isEqualTo(InstanceState.FAILED);
        assertThat(s.lost().reason()).isEqualTo(StateLoss.Reason.GONE_AT_RESTART);
        assertThat(told).singleElement().isEqualTo(s.lost());
        assertThat(imageDirs(id)).as("the half dump is swept").isZero();
        assertThat(invoke(fn, "b")).as("the next invocation starts afresh").isEqualTo("b#1");
    }

    private long imageDirs(String id) throws Exception {
        Path dir = tmp.resolve("images").resolve(id);
        if (!Files.exists(dir)) return 0;
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.count();
        }
    }
}
