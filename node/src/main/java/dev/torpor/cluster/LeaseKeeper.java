package dev.torpor.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The owner's view of its own leases. A lease counts from when the renewal was sent, not answered: the peer started
 * its ttl later than that, so the owner always stops believing in the lease before the peer can take over.
 */
public final class LeaseKeeper {
    private final Clock clock;
    private final Map<String, Instant> validUntil = new ConcurrentHashMap<>();

    public LeaseKeeper(Clock clock) {
        this.clock = clock;
    }

    public void renewed(String function, Instant sentAt, Duration ttl) {
        validUntil.put(function, sentAt.plus(ttl));
    }

    /** Whether this node may serve the function now; never before a first renewal (after a restart, say). */
    public boolean holds(String function) {
        Instant until = validUntil.get(function);
        return until != null && clock.instant().isBefore(until);
    }

    public void lost(String function) {
        validUntil.remove(function);
    }
}
