package dev.torpor.cluster;

import dev.torpor.TorporException;
import dev.torpor.function.FunctionNames;
import java.util.List;

/** An owner asking its backup peer which of an image's chunks it lacks, and whether it has the function's code. */
public record BackupOffer(String function, String codeSha256, List<String> chunks) {

    /** @throws TorporException INVALID_PARAMETER for a missing field; chunk ids are checked by the store */
    public BackupOffer validated() {
        FunctionNames.requireValid(function);
        if (codeSha256 == null || chunks == null) throw TorporException.invalid("a backup offer is {function, codeSha256, chunks}");
        return this;
    }
}
