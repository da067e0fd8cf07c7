package dev.torpor.events;

import dev.torpor.function.InvocationResult;

/**
 * Where queued events go: the function's instance on this node. A function error comes back as the result; a failure
 * of the node's own (throttled, not ready, shutting down, the function gone) as a {@link dev.torpor.TorporException}.
 */
public interface EventTarget {
    InvocationResult deliver(QueuedEvent event) throws InterruptedException;
}
