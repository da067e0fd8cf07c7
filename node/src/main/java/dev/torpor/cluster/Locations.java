package dev.torpor.cluster;

import java.util.Optional;

/** Functions of this node that now live on another node, so their invocations are forwarded there. */
public interface Locations {
    Optional<String> nodeOf(String function);

    void set(String function, String nodeId);

    void clear(String function);
}
