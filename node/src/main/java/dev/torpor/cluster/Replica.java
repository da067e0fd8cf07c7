package dev.torpor.cluster;

import dev.torpor.function.FunctionDefinition;

/** A function's definition and code, sent to a node that is to run one of its instances. */
public record Replica(FunctionDefinition definition, byte[] zip) {}
