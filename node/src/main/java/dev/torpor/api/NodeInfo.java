package dev.torpor.api;

import dev.torpor.cluster.PeerNode;
import dev.torpor.runtime.MigrationSupport;
import java.util.List;

/** What {@code GET /torpor/v1/node} says about a node: versions, memory budget, what it holds, and its peers. */
public record NodeInfo(String nodeId, String version, String architecture, String kernel, String criu, String runc,
                       long memoryBudgetBytes, long memoryReservedBytes, long memoryResidentBytes, int instances, int functions,
                       List<PeerNode> peers, MigrationSupport migration) {}
