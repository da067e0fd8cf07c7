package dev.torpor.cluster;

/** What a source tells a target before freezing anything, so the target can refuse while refusing is free. */
public record MigrationOffer(String function, String codeSha256, long memoryBytes, String architecture, String criu) {}
