package dev.torpor.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupDirsTest {
    @TempDir
    Path root;

    @Test
    void removesAStoppedNodesEmptyParentsInEveryHierarchyAndLeavesWhatIsInUse() throws IOException {
        Files.createDirectories(root.resolve("memory/torpor/ab12"));
        Files.createDirectories(root.resolve("pids/torpor/ab12"));
        Files.createDirectories(root.resolve("freezer/torpor/ab12/still-running"));
        Files.createDirectories(root.resolve("cpu/torpor/other-node"));

        new CgroupDirs(root).removeEmpty("/torpor/ab12");

        assertThat(root.resolve("memory/torpor")).doesNotExist();
        assertThat(root.resolve("pids/torpor")).doesNotExist();
        assertThat(root.resolve("freezer/torpor/ab12/still-running")).exists();
        assertThat(root.resolve("cpu/torpor/other-node")).exists();
        assertThat(root.resolve("memory")).as("the hierarchies themselves stay").exists();
    }
}
