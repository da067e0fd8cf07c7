package dev.torpor.cluster;

/**
 * One migration as it went: {@code frozenMillis} is how long the function could not serve (from the start of its
 * checkpoint to the target's confirmed restore; 0 when it was checkpointed already); {@code wireBytes} counts the
 * pages a post-copy target pulled afterwards too, and {@code totalMillis} runs until it had them all.
 */
public record MigrationReport(String instanceId, String function, String from, String to, MigrationMode mode, long imageBytes,
                              long wireBytes, boolean compressed, long totalMillis, long frozenMillis) {}
