package dev.torpor.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * Two nodes that know each other, as an operator runs them: {@code edge-a} on 127.0.0.2 and {@code edge-b} on
 * 127.0.0.3, each a {@link NodeProcess} with its own data directory, for the migration and backup runs.
 */
final class NodePair implements AutoCloseable {
    static final String A = "edge-a", B = "edge-b";
    /**
     * Far above the default (6 s): a lease that a loaded 2-core machine fails to renew in time would fence a function
     * mid-measurement; failover is not what is measured here.
     */
    static final String LEASE_TTL_MS = "60000";

    private final NodeProcess a, b;
    private final TorporApi apiA, apiB;

    private NodePair(NodeProcess a, NodeProcess b) {
        this.a = a;
        this.b = b;
        this.apiA = new TorporApi(a.endpoint());
        this.apiB = new TorporApi(b.endpoint());
    }

    /** Starts both at once (neither needs the other to start). */
    static NodePair start(Path nodeJar, Path work, long budgetBytes) throws Exception {
        int portA = freePort("127.0.0.2"), portB = freePort("127.0.0.3");
        List<String> common = List.of("--memory-budget", Long.toString(budgetBytes), "--lease-ttl-ms", LEASE_TTL_MS);
        CompletableFuture<NodeProcess> b = CompletableFuture.supplyAsync(() -> {
            try {
                return NodeProcess.start(nodeJar, work.resolve(B), "127.0.0.3:" + portB,
                        with(common, "--node-id", B, "--peer", A + "=http://127.0.0.2:" + portA));
            } catch (Exception e) {
                throw new BenchException("starting " + B + ": " + e.getMessage(), e);
            }
        });
        NodeProcess a;
        try {
            a = NodeProcess.start(nodeJar, work.resolve(A), "127.0.0.2:" + portA,
                    with(common, "--node-id", A, "--peer", B + "=http://127.0.0.3:" + portB));
        } catch (Exception e) {
            try {
                b.get().close();
            } catch (ExecutionException started) {
                // b did not start either; a's error says enough
            }
            throw e;
        }
        try {
            return new NodePair(a, b.get());
        } catch (ExecutionException e) {
            a.close();
            throw new BenchException(e.getCause().getMessage(), e.getCause());
        }
    }

    TorporApi api(String node) {
        return node.equals(A) ? apiA : apiB;
    }

    static String other(String node) {
        return node.equals(A) ? B : A;
    }

    /** Where a node's output is, and how it ends: for an error that needs the node's side of the story. */
    String log(String node) {
        NodeProcess n = node.equals(A) ? a : b;
        return n.log() + ":\n" + NodeProcess.tail(n.log());
    }

    /**
     * Deletes every function on each node first, so that SIGTERM has no instance left to checkpoint on its way out
     * and no lease is left for a peer to take over, then stops it; both nodes at once.
     */
    @Override
    public void close() {
        Thread other = Thread.ofVirtual().start(() -> stop(apiB, b));
        stop(apiA, a);
        try {
            other.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void stop(TorporApi api, NodeProcess node) {
        try {
            for (String fn : api.functions()) api.delete(fn);
        } catch (IOException | RuntimeException e) {
            // the node is gone or broken: closing it sweeps what it left
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        node.close();
    }

    private static List<String> with(List<String> common, String... more) {
        return Stream.concat(common.stream(), Arrays.stream(more)).toList();
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }
}
