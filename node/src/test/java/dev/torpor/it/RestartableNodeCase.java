package dev.torpor.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * An integration test that starts its node itself (in this JVM or a child one it may kill -9) on a fresh data dir
 * and restarts it there; fails without the real stack ({@link RealStack}); the node and its containers are removed
 * after each test.
 */
abstract class RestartableNodeCase {
    static final long BUDGET = 512L << 20;

    @TempDir
    Path data;

    TestNode node;

    @BeforeEach
    void realStack() {
        RealStack.require();
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
    }
}
