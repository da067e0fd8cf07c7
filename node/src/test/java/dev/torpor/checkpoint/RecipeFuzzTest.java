package dev.torpor.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;

/**
 * Any recipe a peer offers (JSON inside a backup commit or a stored snapshot) becomes a recipe that is consistent,
 * or fails as a JsonProcessingException (the API answers 400, a snapshot read FAILED) carrying the recipe's own
 * TorporException when its constructor refused it.
 */
class RecipeFuzzTest {
    public static void fuzzerTestOneInput(byte[] input) throws IOException {
        Recipe recipe;
        try {
            recipe = DirectoryCheckpointStore.JSON.readValue(input, Recipe.class);
        } catch (JsonProcessingException refused) {
            return;
        }
        if (recipe == null) return; // the JSON literal null: callers get no recipe
        recipe.chunkIds();
        recipe.totalBytes();
    }

    @FuzzTest
    void decodes(byte[] input) throws IOException {
        fuzzerTestOneInput(input);
    }
}
