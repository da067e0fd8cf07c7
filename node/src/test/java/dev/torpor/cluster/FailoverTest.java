package dev.torpor.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.torpor.TorporException;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.testing.Await;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roles of a function's two nodes after a takeover, on one node whose peer is a stub that answers lease renewals
 * as told: the new owner serves unwatched until the old owner confirms, then as any owner; the old owner yields.
 */
@Timeout(60)
class FailoverTest {
    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock();
    private final FunctionDefinition fn = FakeNode.function("counter", "edge-b");
    /** What the peer answers to a lease renewal, and how many it got. */
    private final AtomicInteger peerAnswers = new AtomicInteger(503);
    private final AtomicInteger renewals = new AtomicInteger();
    private HttpServer peer;
    private FakeNode node;
    private Failover failover;

    @BeforeEach
    void peerStub() throws Exception {
        peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        peer.createContext("/torpor/v1/leases/", exchange -> {
            renewals.incrementAndGet();
            exchange.sendResponseHeaders(peerAnswers.get(), -1);
            exchange.close();
        });
        peer.start();
    }

    @AfterEach
    void close() {
        if (failover != null) failover.close();
        if (node != null) node.close();
        peer.stop(0);
    }

    /** {@code self}, whose one peer is the stub, named {@code peerId}. */
    private FakeNode node(String self, String peerId) throws InterruptedException {
        node = new FakeNode(tmp.resolve(self), self);
        node.deploy(fn);
        PeerNode stub = new PeerNode(peerId, URI.create("http://127.0.0.1:" + peer.getAddress().getPort()));
        failover = new Failover(Membership.fixed(self, List.of(stub)), new PeerClient(java.util.Optional.empty(), java.util.Optional.empty()), node.instances, node.db.functions(),
                node.images, node.backups, node.db.locations(), node.db.leases(), FakeNode.TTL, clock,
                Executors.newSingleThreadScheduledExecutor());
        return node;
    }

    private Lease lease() {
        return node.db.leases().get("counter").orElseThrow();
    }

    @Test
    void aTakenOverFunctionIsServedUnwatchedUntilTheOldOwnerConfirmsThenOnlyWhileTheLeaseHolds() throws Exception {
        node("edge-b", "edge-a").db.leases().put(new Lease("counter", "edge-b", 2, FakeNode.TTL, "edge-a", Lease.Phase.UNWATCHED));
        failover.start();

        Await.until("a renewal was tried", () -> renewals.get() > 0);
        assertThat(failover.refusal("counter")).as("the old owner is gone: served without a lease").isEmpty();
        failover.confirm("counter"); // the gate of each invocation step agrees
        assertThat(failover.backupTarget("counter")).as("no backups while nobody confirmed").isEmpty();

        peerAnswers.set(200); // edge-a is back
        clock.advance(FakeNode.TTL.dividedBy(3));
        Await.until("edge-a confirmed the lease", () -> failover.backupTarget("counter").isPresent());
        assertThat(failover.backupTarget("counter")).hasValueSatisfying(p -> assertThat(p.id()).isEqualTo("edge-a"));
        assertThat(lease().phase()).as("recorded before any backup goes there").isEqualTo(Lease.Phase.WATCHED);
        assertThat(failover.refusal("counter")).isEmpty();

        peerAnswers.set(503); // edge-a watches, and cannot be reached
        clock.advance(FakeNode.TTL.plusMillis(1));
        assertThat(failover.refusal("counter")).as("watched: no lease, no serving").isPresent();
        assertThatThrownBy(() -> failover.confirm("counter")).isInstanceOf(TorporException.class);
        assertThat(failover.backupTarget("counter")).isEmpty();
    }

    @Test
    void theOldOwnerYieldsToARenewalAtAHigherEpochDroppingItsInstanceAndItsOlderBackups() throws Exception {
        FakeNode a = node("edge-a", "edge-b");
        try (FakeNode b = new FakeNode(tmp.resolve("b"), "edge-b")) { // once, edge-b owned it and backed it up here
            b.deploy(fn);
            b.invoke(fn, "x");
            a.db.leases().put(new Lease("counter", "edge-b", 2, FakeNode.TTL, "edge-a", Lease.Phase.WATCHED));
            b.backUpTo(a, fn, b.instanceOf(fn));
        }
        a.db.locations().clear("counter"); // then edge-a took it over and served it
        a.db.leases().put(new Lease("counter", "edge-a", 3, FakeNode.TTL, "edge-b", Lease.Phase.WATCHED));
        assertThat(a.invoke(fn, "x")).isEqualTo("x#1");

        failover.renewed("counter", "edge-b", 4, FakeNode.TTL);

        assertThat(lease()).isEqualTo(new Lease("counter", "edge-b", 4, FakeNode.TTL, "edge-a", Lease.Phase.WATCHED));
        assertThat(a.db.locations().nodeOf("counter")).as("invocations go to edge-b").contains("edge-b");
        assertThat(a.instances.list()).as("no second copy here").isEmpty();
        assertThat(a.backups.latestOf("counter")).as("older than what edge-b runs").isEmpty();
        assertThat(failover.refusal("counter")).isEmpty();
        assertThatThrownBy(() -> failover.confirm("counter")).as("not run here").hasMessageContaining("owned by edge-b");
    }
}
