package dev.torpor.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.TorporException;
import dev.torpor.cluster.Membership;
import dev.torpor.cluster.MoveUnderWay;
import dev.torpor.cluster.PeerClient;
import dev.torpor.cluster.PeerNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * {@code GET /torpor/v1/fleet}: this node and each peer it knows, with what it holds, for the dashboard, which can
 * reach only the node that served it. Peers are asked at once, each with a short timeout: one that does not answer is
 * shown with the reason, not waited for.
 */
final class FleetHandler {
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(3);

    /** One node as the fleet view shows it: its {@code /torpor/v1/node}, instances and moves under way, or why they are missing. */
    record Member(String nodeId, String endpoint, boolean self, Object node, Object instances, Object moves, String error) {}

    private final Membership membership;
    private final PeerClient peers;
    private final Supplier<NodeInfo> self;
    private final Supplier<List<InstanceView>> selfInstances;
    private final Supplier<List<MoveUnderWay>> selfMoves;

    FleetHandler(Membership membership, PeerClient peers, Supplier<NodeInfo> self, Supplier<List<InstanceView>> selfInstances,
                 Supplier<List<MoveUnderWay>> selfMoves) {
        this.membership = membership;
        this.peers = peers;
        this.self = self;
        this.selfInstances = selfInstances;
        this.selfMoves = selfMoves;
    }

    void register(Router router) {
        router.add("GET", "/torpor/v1/fleet", r -> Response.json(200, Map.of("nodes", fleet())));
    }

    private List<Member> fleet() throws InterruptedException {
        List<Member> members = new ArrayList<>();
        members.add(new Member(membership.selfId(), null, true, self.get(), selfInstances.get(), selfMoves.get(), null));
        try (ExecutorService asking = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Member>> answers = membership.peers().stream().map(p -> asking.submit(() -> ask(p))).toList();
            for (Future<Member> answer : answers) {
                try {
                    members.add(answer.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("asking a peer failed in an unforeseen way", e.getCause());
                }
            }
        }
        return members;
    }

    private Member ask(PeerNode peer) {
        String endpoint = peer.endpoint().toString();
        try {
            JsonNode node = peers.call(peer, "GET", "/torpor/v1/node", null, PEER_TIMEOUT);
            JsonNode instances = peers.call(peer, "GET", "/torpor/v1/instances", null, PEER_TIMEOUT).path("instances");
            JsonNode moves = peers.call(peer, "GET", MovesHandler.PATH, null, PEER_TIMEOUT).path("moves");
            return new Member(peer.id(), endpoint, false, node, instances, moves, null);
        } catch (TorporException e) {
            return new Member(peer.id(), endpoint, false, null, null, null, e.getMessage());
        }
    }
}
