package dev.torpor.cluster;

import dev.torpor.TorporException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backup peer's view of the leases it holds for other owners, as pure decisions on a clock: renewals that keep an
 * owner, expiries that call for a takeover, and takeovers that raise the epoch so the old owner is refused from then on.
 */
public final class LeaseBook {
    private final String selfId;
    private final Clock clock;
    private final LeaseStore store;
    private final Map<String, Instant> expiresAt = new HashMap<>();

    /**
     * Leases found in the store start a full ttl from now: this node was not watching while it was down, so the owner
     * gets the benefit of the doubt (it fences itself while it cannot renew, so it is not serving unseen meanwhile).
     */
    public LeaseBook(String selfId, Clock clock, LeaseStore store) {
        this.selfId = selfId;
        this.clock = clock;
        this.store = store;
        for (Lease l : store.list()) {
            if (!l.owner().equals(selfId)) expiresAt.put(l.function(), clock.instant().plus(l.ttl()));
        }
    }

    /** Renews {@code offered} for one more ttl; CONFLICT, naming the current lease, when its epoch is stale. */
    public synchronized Lease renew(Lease offered) {
        Optional<Lease> current = store.get(offered.function());
        if (current.isPresent() && stale(offered, current.get())) {
            Lease c = current.get();
            throw TorporException.conflict("the lease of " + c.function() + " is held by " + c.owner() + " at epoch " + c.epoch()
                    + ", not " + offered.owner() + " at " + offered.epoch());
        }
        store.put(offered);
        expiresAt.put(offered.function(), clock.instant().plus(offered.ttl()));
        return offered;
    }

    private static boolean stale(Lease offered, Lease current) {
        return offered.epoch() < current.epoch() || (offered.epoch() == current.epoch() && !offered.owner().equals(current.owner()));
    }

    public synchronized Optional<Lease> get(String function) {
        return store.get(function);
    }

    /** Functions whose owner (another node) let its lease run out. */
    public synchronized List<String> expired() {
        Instant now = clock.instant();
        return expiresAt.entrySet().stream().filter(e -> now.isAfter(e.getValue())).map(Map.Entry::getKey).sorted().toList();
    }

    /**
     * Makes this node the owner at the next epoch, the old owner its peer; from now on the old owner's renewals are
     * refused. The takeover has begun: {@link Lease.Phase#TAKING_OVER} until the function is served here.
     */
    public synchronized Lease takeOver(String function) {
        Lease old = store.get(function).orElseThrow(() -> TorporException.notFound("no lease of " + function + " here"));
        Lease mine = new Lease(function, selfId, old.epoch() + 1, old.ttl(), old.owner(), Lease.Phase.TAKING_OVER);
        store.put(mine);
        expiresAt.remove(function);
        return mine;
    }
}
