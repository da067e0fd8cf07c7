package dev.torpor.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * An integration test against a real node in this JVM on a fresh data dir: fails without the real stack
 * ({@link RealStack}), and its containers removed after each test, whether it passed or not.
 */
abstract class RealNodeCase {
    @TempDir
    Path data;

    TestNode node;

    /** The node's memory budget; tests about the budget choose their own. */
    long budgetBytes() {
        return 512L << 20;
    }

    /** The node the tests run against; one a test kills -9 runs in a child JVM. */
    TestNode newNode() throws Exception {
        return new TestNode(data, budgetBytes());
    }

    @BeforeEach
    void startNode() throws Exception {
        RealStack.require();
        node = newNode();
    }

    @AfterEach
    void stopNode() throws Exception {
        if (node != null) node.close();
    }
}
