package dev.torpor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.SuspendPolicy.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private long imageDirs(String id) throws Exception {
        try (Stream<Path> dirs = Files.list(tmp.resolve("images").resolve(id))) {
            return dirs.count();
        }
    }
}
