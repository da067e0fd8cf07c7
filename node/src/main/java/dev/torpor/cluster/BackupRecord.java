package dev.torpor.cluster;

import java.time.Instant;

/** One backup a peer holds: the newest consistent copy of {@code instanceId}, and what it cost to ship. */
public record BackupRecord(String instanceId, String function, String owner, long seq, Instant committedAt,
                           long imageBytes, long shippedBytes) {}
