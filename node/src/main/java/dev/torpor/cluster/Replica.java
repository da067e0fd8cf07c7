package dev.torpor.cluster;

import dev.torpor.TorporException;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.FunctionRules;

/** A function's definition and code, sent to a node that is to run one of its instances. */
public record Replica(FunctionDefinition definition, byte[] zip) {

    /** Another node's word is no better than a caller's: the definition must pass Lambda's rules, as CreateFunction's does. */
    public Replica validated() {
        if (definition == null) throw TorporException.invalid("a replica needs the function's definition");
        if (zip == null || zip.length == 0) throw TorporException.invalid("a replica needs the function's code (zip)");
        FunctionRules.validated(definition);
        return this;
    }
}
