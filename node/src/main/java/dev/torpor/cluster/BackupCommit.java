package dev.torpor.cluster;

import dev.torpor.TorporException;
import dev.torpor.checkpoint.Manifest;
import dev.torpor.checkpoint.Recipe;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.FunctionNames;

/** Ends a backup once its chunks were sent: what the image is made of, and who sent it. */
public record BackupCommit(String owner, FunctionDefinition definition, Recipe recipe, Manifest manifest, long shippedBytes) {

    /** @throws TorporException INVALID_PARAMETER for a missing field or a negative byte count */
    public BackupCommit validated() {
        if (owner == null || owner.isBlank() || definition == null || recipe == null || manifest == null) {
            throw TorporException.invalid("a backup commit is {owner, definition, recipe, manifest, shippedBytes}");
        }
        FunctionNames.requireValid(definition.name());
        if (shippedBytes < 0) throw TorporException.invalid("shippedBytes must not be negative, not " + shippedBytes);
        return this;
    }
}
