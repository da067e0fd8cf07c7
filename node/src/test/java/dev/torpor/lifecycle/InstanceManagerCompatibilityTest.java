package dev.torpor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.Compatibility;
import dev.torpor.checkpoint.Manifest;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.SuspendPolicy.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Images this node cannot run: refused before CRIU is asked, saying why, and kept. */
class InstanceManagerCompatibilityTest extends InstanceManagerFixture {
    @Test
    void everyImageRecordsTheCpuItWasDumpedOn() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, IDLE_MS);
        String id = checkpointedAfterOneInvocation(fn).id();

        assertThat(images.latest(id).orElseThrow().manifest().files()).extracting(Manifest.FileEntry::name)
                .contains(Compatibility.CPU_INFO);
    }

    @Test
    void aRestoreOnACpuLackingFeaturesIsRefusedAndKeepsTheImage() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, IDLE_MS);
        String id = checkpointedAfterOneInvocation(fn).id();
        runtime.refuseCpu("cpu: CPU instruction capabilities do not match run time");

        assertThatThrownBy(() -> manager.restore(id)).isInstanceOfSatisfying(TorporException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INCOMPATIBLE_IMAGE);
            assertThat(e.detail()).contains("CPU features").contains("do not match run time");
        });

        assertRefusedAndKept(fn, id, "CPU features");
        runtime.refuseCpu(null);
        assertThat(invoke(fn, "b")).as("the kept image restores where it can").isEqualTo("b#2");
    }

    @Test
    void anInvocationOfAnImageFromAnotherArchitectureIsRefusedSayingWhy() throws Exception {
        FunctionDefinition fn = deploy("echo", Mode.CHECKPOINT, IDLE_MS);
        String id = checkpointedAfterOneInvocation(fn).id();
        Path manifest = images.latest(id).orElseThrow().dir().resolve(Manifest.FILE_NAME);
        String arch = System.getProperty("os.arch");
        Files.writeString(manifest, Files.readString(manifest).replace('"' + arch + '"', "\"riscv64\""));

        assertThatThrownBy(() -> invoke(fn, "b")).isInstanceOfSatisfying(TorporException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INCOMPATIBLE_IMAGE);
            assertThat(e.detail()).contains("architecture: image riscv64, this node " + arch);
        });

        assertRefusedAndKept(fn, id, "architecture: image riscv64");
    }

    private void assertRefusedAndKept(FunctionDefinition fn, String id, String why) {
        Instance.Snapshot s = instanceOf(fn);
        assertThat(s.state()).isEqualTo(InstanceState.CHECKPOINTED);
        assertThat(s.lastError()).startsWith("restore refused").contains(why);
        assertThat(store.loadAll()).filteredOn(r -> r.id().equals(id)).singleElement().as("recorded")
                .satisfies(r -> assertThat(r.lastError()).contains(why));
        assertThat(images.latest(id)).as("the image is kept").isPresent();
        assertThat(budget.holds(id)).as("the reservation is released").isFalse();
        assertThat(runtime.count(FakeContainerRuntime.Verb.RESTORE)).as("CRIU was never asked").isZero();
    }
}
