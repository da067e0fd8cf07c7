package dev.torpor.cluster;

import dev.torpor.checkpoint.Compatibility;

/**
 * What a source tells a target before freezing anything, so the target can refuse while refusing is free: the
 * {@code origin} its image will have (the image's manifest is checked again, CPU and code too, when it restores).
 */
public record MigrationOffer(String function, String codeSha256, long memoryBytes, Compatibility.Origin origin) {}
