package dev.torpor.cluster;

import java.time.Duration;

/**
 * Who may run a backed-up function: its owner, for one ttl after each renewal, at an epoch that only a takeover
 * raises. A node never serves a function under an epoch lower than one it has seen.
 */
public record Lease(String function, String owner, long epoch, Duration ttl) {}
