package dev.torpor.lifecycle;

/**
 * Whether this node may run a function now (a backed-up function only while its lease holds). An invocation asks
 * before it starts or wakes an instance, before it hands the event over, and again before its answer goes out.
 */
@FunctionalInterface
public interface ServingGate {
    ServingGate OPEN = function -> {};

    /** Throws (CONFLICT, saying why) when the function must not run here now. */
    void check(String function);
}
