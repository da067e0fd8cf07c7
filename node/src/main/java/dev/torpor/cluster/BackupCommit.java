package dev.torpor.cluster;

import dev.torpor.checkpoint.Manifest;
import dev.torpor.checkpoint.Recipe;
import dev.torpor.function.FunctionDefinition;

/** Ends a backup once its chunks were sent: what the image is made of, and who sent it. */
public record BackupCommit(String owner, FunctionDefinition definition, Recipe recipe, Manifest manifest, long shippedBytes) {}
