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

    /** More arguments for node {@code nodeId} (edge-a or edge-b): those for both, unless a test needs each its own. */
    List<String> nodeArgs(String nodeId) {
        return nodeArgs();
    }

    @BeforeEach
    void startNodes() throws Exception {
        RealStack.require();
        nodes = new TwoNodes(root, this::nodeArgs);
    }

    @AfterEach
    void stopNodes() throws Exception {
        if (nodes != null) nodes.close();
    }
}
