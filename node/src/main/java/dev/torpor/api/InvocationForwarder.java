package dev.torpor.api;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.cluster.PeerClient;
import dev.torpor.cluster.PeerNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands an invocation to the node its function moved to and relays that node's answer. Each hand-over counts in
 * {@link #HOPS}: two nodes whose location tables pointed at each other once passed one invocation back and forth
 * until both ran out of memory. Two hops let a caller reach a function through one stale location (moved on from
 * the node it was moved to); an invocation that would go further is refused as a loop.
 */
final class InvocationForwarder {
    static final String HOPS = "X-Torpor-Hops";
    static final int MAX_HOPS = 2;
    private static final List<String> RELAYED = List.of("Content-Type", "X-Amz-Function-Error", "X-Amz-Executed-Version", "X-Amzn-ErrorType",
            "X-Amz-Log-Result", ErrorKind.HEADER);
    /** The caller's headers that shape the answer, passed on as they came. */
    private static final List<String> PASSED_ON = List.of("X-Amz-Client-Context", "X-Amz-Log-Type");

    private final String selfId;
    private final PeerClient peers;

    InvocationForwarder(String selfId, PeerClient peers) {
        this.selfId = selfId;
        this.peers = peers;
    }

    /** The caller gets {@code peer}'s answer, through the same Lambda API; CONFLICT if this would close a loop. */
    Response forward(PeerNode peer, String function, String type, byte[] payload, Request r, Duration timeout) {
        int hops = hops(r.header(HOPS));
        if (hops >= MAX_HOPS) {
            throw TorporException.conflict("Forwarding loop: " + function + " was already forwarded " + hops
                    + " times before reaching node " + selfId + ", which would forward it again to " + peer.id()
                    + "; the nodes disagree about where " + function + " lives");
        }
        Map<String, String> headers = new HashMap<>(Map.of("X-Amz-Invocation-Type", type, "Content-Type", "application/json",
                HOPS, Integer.toString(hops + 1)));
        for (String h : PASSED_ON) if (r.header(h) != null) headers.put(h, r.header(h));
        HttpResponse<byte[]> answer = peers.send(peer, "POST", "/2015-03-31/functions/" + function + "/invocations",
                headers, payload, timeout);
        Map<String, String> relayed = new HashMap<>();
        for (String h : RELAYED) answer.headers().firstValue(h).ifPresent(v -> relayed.put(h, v));
        relayed.put("X-Torpor-Served-By", peer.id());
        return new Response(answer.statusCode(), relayed, answer.body());
    }

    private static int hops(String header) {
        if (header == null) return 0;
        try {
            int hops = Integer.parseInt(header.strip());
            if (hops >= 0) return hops;
        } catch (NumberFormatException e) {
            // refused below
        }
        throw TorporException.invalid(HOPS + " must be a count of nodes the invocation passed, not " + header);
    }
}
