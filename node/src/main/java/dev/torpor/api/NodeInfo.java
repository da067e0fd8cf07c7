package dev.torpor.api;

/** What {@code GET /torpor/v1/node} says about a node: versions, memory budget and what it holds. */
public record NodeInfo(String nodeId, String version, String architecture, String kernel, String criu, String runc,
                       long memoryBudgetBytes, long memoryReservedBytes, long memoryResidentBytes, int instances, int functions) {}
