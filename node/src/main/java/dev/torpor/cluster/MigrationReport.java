package dev.torpor.cluster;

/**
 * One migration as it went: {@code frozenMillis} is how long the function could not serve (from the start of its
 * checkpoint to the target's confirmed restore; 0 when it was checkpointed already).
 */
public record MigrationReport(String instanceId, String function, String from, String to, long imageBytes,
                              long wireBytes, boolean compressed, long totalMillis, long frozenMillis) {}
