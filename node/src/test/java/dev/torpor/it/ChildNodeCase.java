package dev.torpor.it;

/** A {@link RealNodeCase} whose node runs as a {@code torpor node} process of its own, for tests that kill it -9. */
abstract class ChildNodeCase extends RealNodeCase {
    @Override
    TestNode newNode() throws Exception {
        return TestNode.inChildJvm(data, budgetBytes());
    }
}
