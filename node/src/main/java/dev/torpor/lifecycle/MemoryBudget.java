package dev.torpor.lifecycle;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The function memory this node may keep resident. Each resident instance reserves its function's memory size,
 * which its cgroup also enforces, so the sum of reservations bounds what functions can really use.
 */
public final class MemoryBudget {
    private final long limitBytes;
    private final Map<String, Long> reserved = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();

    public MemoryBudget(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }

    public long usedBytes() {
        lock.lock();
        try {
            return reserved.values().stream().mapToLong(Long::longValue).sum();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes missing for {@code bytes} more to fit; 0 or less when they fit now. */
    public long shortfall(long bytes) {
        return usedBytes() + bytes - limitBytes;
    }

    /** Reserves when it fits (or is reserved already); never overcommits. */
    public boolean tryReserve(String id, long bytes) {
        lock.lock();
        try {
            if (reserved.containsKey(id)) return true;
            if (bytes > limitBytes - usedBytes()) return false;
            reserved.put(id, bytes);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Counts an instance found resident (after a restart) whether or not it fits: it is there already. */
    public void adopt(String id, long bytes) {
        lock.lock();
        try {
            reserved.put(id, bytes);
        } finally {
            lock.unlock();
        }
    }

    public void release(String id) {
        lock.lock();
        try {
            if (reserved.remove(id) != null) released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean holds(String id) {
        lock.lock();
        try {
            return reserved.containsKey(id);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until some reservation is released or the timeout passes. */
    public void awaitRelease(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            released.awaitNanos(timeout.toNanos());
        } finally {
            lock.unlock();
        }
    }
}
