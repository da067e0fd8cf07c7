package dev.torpor.cluster;

import java.time.Duration;

/**
 * Who may run a backed-up function: its owner, for one ttl after each renewal, at an epoch that only a takeover
 * raises. A node never serves a function under an epoch lower than one it has seen. The owner renews with, and backs
 * up to, {@code peer}, which takes the function over when the renewals stop: the tagged backup node, or after a
 * takeover the old owner. {@code phase} says how far a takeover by this lease's owner got.
 */
public record Lease(String function, String owner, long epoch, Duration ttl, String peer, Phase phase) {
    /** The longest ttl a node is started with or a peer accepts: an owner gone this long is surely not coming back soon. */
    public static final Duration MAX_TTL = Duration.ofHours(1);

    public enum Phase {
        /** The owner raised the epoch and is bringing the newest backup to life: not served anywhere yet. */
        TAKING_OVER,
        /**
         * Served by its new owner, whose peer (the old owner, gone at the takeover) has not confirmed this epoch yet:
         * holding no copy of it, the peer could take nothing over, so the owner serves it without renewals until then.
         */
        UNWATCHED,
        /** The peer watches the lease: the owner serves the function only while it holds it. */
        WATCHED
    }

    public Lease in(Phase next) {
        return new Lease(function, owner, epoch, ttl, peer, next);
    }
}
