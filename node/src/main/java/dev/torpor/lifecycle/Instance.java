package dev.torpor.lifecycle;

import dev.torpor.TorporException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One instance of a function and what is known of it. Its state only changes through {@link #apply}, under its
 * lock; threads that need it out of an operation under way wait with {@link #awaitSettled}.
 */
public final class Instance {
    private static final int HISTORY = 32;

    private final String id;
    private final String function;
    private final int revision;
    private final long memoryBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    private InstanceState state;
    private Instant since;
    private Instant lastUsed;
    private long transitions;
    private boolean claimed;
    private long checkpoints;
    private long restores;
    private long invocations;
    private long imageBytes;
    private String lastError;
    private final List<InstanceState> history = new ArrayList<>();

    public Instance(String id, String function, int revision, long memoryBytes, InstanceState state, Instant now) {
        this.id = id;
        this.function = function;
        this.revision = revision;
        this.memoryBytes = memoryBytes;
        this.state = state;
        this.since = now;
        this.lastUsed = now;
        history.add(state);
    }

    /** Moves to the state the event leads to, or refuses with CONFLICT when the state machine does not allow it. */
    public InstanceState apply(LifecycleEvent event, Instant now) {
        lock.lock();
        try {
            InstanceState to = Transitions.next(state, event).orElseThrow(() -> TorporException.conflict(
                    "instance " + id + " is " + state + ": " + event + " is not possible now"));
            state = to;
            since = now;
            transitions++;
            if (history.size() == HISTORY) history.removeFirst();
            history.add(to);
            switch (event) {
                case DISPATCH -> {
                    invocations++;
                    lastUsed = now;
                }
                case CHECKPOINTED -> checkpoints++;
                case RESTORED -> restores++;
                default -> { }
            }
            changed.signalAll();
            return to;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no operation is under way (or the timeout passes) and returns the state then. */
    public InstanceState awaitSettled(Duration timeout) throws InterruptedException {
        return awaitWhile(InstanceState::transitional, timeout);
    }

    /** Waits while the state matches {@code waiting} (or until the timeout passes) and returns the state then. */
    public InstanceState awaitWhile(java.util.function.Predicate<InstanceState> waiting, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (waiting.test(state) && left > 0) left = changed.awaitNanos(left);
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the instance for one invocation if nobody has; the idle policy and eviction leave claimed ones alone. */
    public boolean claim() {
        lock.lock();
        try {
            if (claimed || state.terminal() || state == InstanceState.FAILED) return false;
            claimed = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Claims the instance once whoever holds it lets go, waiting up to {@code timeout}; false on timeout or when it
     * ended (failed, stopped, moved) meanwhile.
     */
    public boolean claimWithin(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (claimed && left > 0 && !state.terminal() && state != InstanceState.FAILED) left = changed.awaitNanos(left);
            return claim();
        } finally {
            lock.unlock();
        }
    }

    public void release() {
        lock.lock();
        try {
            claimed = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies {@code event} only if the instance is in {@code expected}, unclaimed and unchanged since
     * {@code transitionCount} (pass -1 to skip that check): how timers and eviction take an instance without racing
     * an invocation.
     */
    public boolean applyIfUntouched(InstanceState expected, long transitionCount, LifecycleEvent event, Instant now) {
        lock.lock();
        try {
            if (claimed || state != expected || (transitionCount >= 0 && transitions != transitionCount)) return false;
            apply(event, now);
            return true;
        } finally {
            lock.unlock();
        }
    }

    public void recordError(String error) {
        lock.lock();
        try {
            lastError = error;
        } finally {
            lock.unlock();
        }
    }

    public void recordImageBytes(long bytes) {
        lock.lock();
        try {
            imageBytes = bytes;
        } finally {
            lock.unlock();
        }
    }

    public String id() {
        return id;
    }

    public String function() {
        return function;
    }

    public int revision() {
        return revision;
    }

    public long memoryBytes() {
        return memoryBytes;
    }

    /** A consistent copy of everything mutable, for views, persistence and decisions made outside the lock. */
    public Snapshot snapshot() {
        lock.lock();
        try {
            return new Snapshot(id, function, revision, memoryBytes, state, since, lastUsed, transitions, claimed,
                    checkpoints, restores, invocations, imageBytes, lastError, List.copyOf(history));
        } finally {
            lock.unlock();
        }
    }

    /** Restores counters of an instance read back from the node's database. */
    void restoreCounters(long checkpoints, long restores, long invocations, long imageBytes, String lastError) {
        lock.lock();
        try {
            this.checkpoints = checkpoints;
            this.restores = restores;
            this.invocations = invocations;
            this.imageBytes = imageBytes;
            this.lastError = lastError;
        } finally {
            lock.unlock();
        }
    }

    public record Snapshot(
            String id,
            String function,
            int revision,
            long memoryBytes,
            InstanceState state,
            Instant since,
            Instant lastUsed,
            long transitions,
            boolean claimed,
            long checkpoints,
            long restores,
            long invocations,
            long imageBytes,
            String lastError,
            List<InstanceState> history) {}
}
