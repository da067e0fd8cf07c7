package dev.torpor.cluster;

import dev.torpor.TorporException;
import java.util.List;
import java.util.Optional;

/** Which nodes exist. Static for now; a distributed store can take its place behind this interface. */
public interface Membership {
    String selfId();

    List<PeerNode> peers();

    default Optional<PeerNode> peer(String id) {
        return peers().stream().filter(p -> p.id().equals(id)).findFirst();
    }

    default PeerNode require(String id) {
        return peer(id).orElseThrow(() -> TorporException.invalid("Unknown node '" + id + "'; this node knows "
                + peers().stream().map(PeerNode::id).toList()));
    }

    static Membership fixed(String selfId, List<PeerNode> peers) {
        List<PeerNode> copy = List.copyOf(peers);
        return new Membership() {
            @Override
            public String selfId() {
                return selfId;
            }

            @Override
            public List<PeerNode> peers() {
                return copy;
            }
        };
    }
}
