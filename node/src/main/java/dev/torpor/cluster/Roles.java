package dev.torpor.cluster;

import dev.torpor.function.BackupPolicy;
import dev.torpor.function.FunctionRegistry;
import java.util.Optional;

/**
 * The part this node plays for a backed-up function, read from its tags, its lease and where it lives: whether it
 * owns the function, and then whom it renews the lease with and backs the function up to, and whether that node
 * watches the lease.
 */
record Roles(String selfId, FunctionRegistry functions, Locations locations, LeaseStore leases) {
    /**
     * Whom this node renews the function's lease with and backs it up to, when this node owns the function: the
     * tagged backup node, or after a takeover the old owner. Empty when another node owns it or it lives elsewhere.
     */
    Optional<String> partner(String function) {
        Optional<BackupPolicy> policy = functions.get(function).flatMap(BackupPolicy::of);
        if (policy.isEmpty() || locations.nodeOf(function).isPresent()) return Optional.empty();
        Optional<Lease> lease = leases.get(function);
        Optional<String> peer = lease.isEmpty() ? policy.map(BackupPolicy::peer)
                : lease.filter(l -> l.owner().equals(selfId) && l.phase() != Lease.Phase.TAKING_OVER).map(Lease::peer);
        return peer.filter(p -> !p.equals(selfId));
    }

    /** Whether this node, as owner, serves the function only under a confirmed lease: not while nobody watches it. */
    boolean watched(String function) {
        return leases.get(function).map(l -> l.phase() == Lease.Phase.WATCHED).orElse(true);
    }
}
