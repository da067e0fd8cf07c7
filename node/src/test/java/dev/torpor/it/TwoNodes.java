package dev.torpor.it;

import java.nio.file.Path;
import java.util.List;

/** Two child nodes that know each other, edge-a on 127.0.0.2 and edge-b on 127.0.0.3, each on its own data. */
final class TwoNodes implements AutoCloseable {
    static final long BUDGET = 512L << 20;

    final TestNode a;
    final TestNode b;

    TwoNodes(Path root) throws Exception {
        this(root, List.of());
    }

    /** With {@code args} given to both nodes as well. */
    TwoNodes(Path root, List<String> args) throws Exception {
        int portA = TestNode.freePort("127.0.0.2");
        int portB = TestNode.freePort("127.0.0.3");
        TestNode started = null;
        try {
            started = TestNode.peer(root.resolve("a"), BUDGET, "127.0.0.2", portA,
                    with(args, "--node-id", "edge-a", "--peer", "edge-b=http://127.0.0.3:" + portB));
            b = TestNode.peer(root.resolve("b"), BUDGET, "127.0.0.3", portB,
                    with(args, "--node-id", "edge-b", "--peer", "edge-a=http://127.0.0.2:" + portA));
        } catch (Exception | AssertionError e) {
            if (started != null) started.close();
            throw e;
        }
        a = started;
    }

    private static List<String> with(List<String> args, String... more) {
        List<String> all = new java.util.ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    @Override
    public void close() throws Exception {
        try {
            a.close();
        } finally {
            b.close();
        }
    }
}
