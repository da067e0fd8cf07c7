package dev.torpor.cluster;

import dev.torpor.TorporException;
import dev.torpor.checkpoint.Compatibility;
import dev.torpor.function.FunctionNames;

/**
 * What a source tells a target before freezing anything, so the target can refuse while refusing is free: the
 * {@code origin} its image will have (the image's manifest is checked again, CPU and code too, when it restores).
 */
public record MigrationOffer(String function, String codeSha256, long memoryBytes, Compatibility.Origin origin) {

    /** @throws TorporException INVALID_PARAMETER for a missing field or a negative size */
    public MigrationOffer validated() {
        FunctionNames.requireValid(function);
        if (codeSha256 == null || origin == null) throw TorporException.invalid("a migration offer is {function, codeSha256, memoryBytes, origin}");
        if (memoryBytes < 0) throw TorporException.invalid("memoryBytes must not be negative, not " + memoryBytes);
        return this;
    }
}
