package dev.torpor.lifecycle;

import java.time.Duration;

/**
 * The right to act on one instance. Whoever works on it (an invocation, the idle policy, an eviction, a manual
 * checkpoint or restore, a backup, a move) holds its claim for as long as the work lasts, and nobody else gets the
 * claim meanwhile. Only the holder lets go, by closing it; closing a claim already let go does nothing, so a stale
 * holder can never end the claim of the one after it.
 */
final class Claim implements AutoCloseable {
    private final Instance instance;

    Claim(Instance instance) {
        this.instance = instance;
    }

    /**
     * Waits until the instance is settled, no operation under way and not BUSY (a function that has answered stays
     * BUSY until it asks for its next event), or until the timeout passes; the state then.
     */
    InstanceState settle(Duration timeout) throws InterruptedException {
        return instance.awaitSettled(timeout);
    }

    @Override
    public void close() {
        instance.release(this);
    }
}
