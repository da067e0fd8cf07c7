package dev.torpor.function;

import java.time.Instant;
import java.util.Map;

/**
 * A deployed function as the node keeps it. {@code revision} counts code updates: instances and checkpoint images
 * remember the revision they run, so an image of old code is never restored under new code.
 */
public record FunctionDefinition(
        String name,
        String runtime,
        String handler,
        String description,
        int memoryMiB,
        int timeoutSeconds,
        Map<String, String> environment,
        Map<String, String> tags,
        int reservedConcurrency,
        String codeSha256,
        long codeSize,
        int revision,
        String revisionId,
        Instant lastModified) {

    public FunctionDefinition {
        environment = Map.copyOf(environment);
        tags = Map.copyOf(tags);
    }

    public long memoryBytes() {
        return memoryMiB * 1024L * 1024L;
    }

    /** {@code reservedConcurrency} when none was set; 0 means throttled, as in Lambda. */
    public static final int UNRESERVED = -1;

    /** How many instances may serve this function at once: Lambda's reserved concurrency, one when unset. */
    public int maxInstances() {
        return reservedConcurrency >= 0 ? reservedConcurrency : 1;
    }

    public SuspendPolicy suspendPolicy() {
        return SuspendPolicy.fromTags(tags);
    }

    public NetworkMode networkMode() {
        return NetworkMode.fromTags(tags);
    }

    /** The same function running new code. */
    public FunctionDefinition withCode(String sha256, long size, int newRevision, String newRevisionId, Instant now) {
        return new FunctionDefinition(name, runtime, handler, description, memoryMiB, timeoutSeconds, environment, tags,
                reservedConcurrency, sha256, size, newRevision, newRevisionId, now);
    }

    /** The same definition stored anew: a new RevisionId, as every change gets, so a caller's stale one is caught. */
    public FunctionDefinition revised(String newRevisionId, Instant now) {
        return new FunctionDefinition(name, runtime, handler, description, memoryMiB, timeoutSeconds, environment, tags,
                reservedConcurrency, codeSha256, codeSize, revision, newRevisionId, now);
    }

    public FunctionDefinition withTags(Map<String, String> newTags, Instant now) {
        return new FunctionDefinition(name, runtime, handler, description, memoryMiB, timeoutSeconds, environment,
                newTags, reservedConcurrency, codeSha256, codeSize, revision, revisionId, now);
    }

    public FunctionDefinition withReservedConcurrency(int concurrency, Instant now) {
        return new FunctionDefinition(name, runtime, handler, description, memoryMiB, timeoutSeconds, environment, tags,
                concurrency, codeSha256, codeSize, revision, revisionId, now);
    }
}
