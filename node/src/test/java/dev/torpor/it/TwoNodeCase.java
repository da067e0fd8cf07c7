package dev.torpor.it;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * An integration test against two child nodes ({@link TwoNodes}): fails without the real stack ({@link RealStack}),
 * cleaned up always.
 */
abstract class TwoNodeCase {
    @TempDir
    Path root;

    TwoNodes nodes;

    /** More arguments for both nodes. */
    List<String> nodeArgs() {
        return List.of();
    }

    @BeforeEach
    void startNodes() throws Exception {
        RealStack.require();
        nodes = new TwoNodes(root, nodeArgs());
    }

    @AfterEach
    void stopNodes() throws Exception {
        if (nodes != null) nodes.close();
    }
}
