package dev.torpor.api;

import dev.torpor.lifecycle.InstanceState;
import dev.torpor.lifecycle.StateLoss;
import java.time.Instant;
import java.util.List;

/**
 * One instance as {@code /torpor/v1/instances} shows it, to the CLI as to anyone. Memory is read from the cgroup at
 * the time of the request; {@code history} holds the instance's last states, oldest first; {@code stateLost} the last
 * loss of the function's state on it, if any. {@code address} is its address on the node's bridge, kept
 * while it is checkpointed; null for a function with network none.
 */
public record InstanceView(String function, String instanceId, InstanceState state, long residentMemoryBytes,
                           long checkpointBytes, Instant lastTransition, Instant lastUsed, long invocations,
                           long checkpoints, long restores, String lastError, List<InstanceState> history,
                           StateLoss stateLost, String address) {

    /** The body of {@code GET /torpor/v1/instances}. */
    public record Page(List<InstanceView> instances) {}
}
