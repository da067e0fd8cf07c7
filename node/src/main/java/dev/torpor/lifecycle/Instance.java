package dev.torpor.lifecycle;

import dev.torpor.TorporException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One instance of a function and what is known of it. Its state only changes through {@link #apply}, under its
 * lock, as {@link Transitions} allows; whoever works on it holds its {@link Claim}, one holder at a time.
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
    /** Whoever works on the instance now; null when nobody does. */
    private Claim holder;
    private long checkpoints;
    private long restores;
    private long invocations;
    private long imageBytes;
    private String lastError;
    private StateLoss lost;
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

    /**
     * Waits until the instance is settled (or the timeout passes) and returns the state then: no operation under way,
     * and not BUSY, which an instance its claim holder no longer serves is only until it asks for its next event.
     */
    InstanceState awaitSettled(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while ((state.transitional() || state == InstanceState.BUSY) && left > 0) left = changed.awaitNanos(left);
            return state;
        } finally {
            lock.unlock();
        }
    }

    /** The instance's claim if nobody holds it and it has not ended (failed, stopped, moved). */
    Optional<Claim> tryClaim() {
        lock.lock();
        try {
            return claimNow();
        } finally {
            lock.unlock();
        }
    }

    /** The claim once whoever holds it lets go, waiting up to {@code timeout}; empty on timeout or once it ended. */
    Optional<Claim> claimWithin(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (holder != null && !ended() && left > 0) left = changed.awaitNanos(left);
            return claimNow();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The one way to take an instance for an operation: its claim (waiting up to {@code claimWait} for whoever holds
     * it), then a wait for it to settle ({@link #awaitSettled}) until {@code settleWait} after the call. Empty when the
     * claim was not had; once had, it is returned even if the instance did not settle in time: the caller reads the
     * state.
     */
    Optional<Claim> claimSettled(Duration claimWait, Duration settleWait) throws InterruptedException {
        long deadline = System.nanoTime() + settleWait.toNanos();
        Optional<Claim> claim = claimWithin(claimWait);
        if (claim.isPresent()) awaitSettled(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        return claim;
    }

    /**
     * The claim of an instance IDLE, unclaimed and unchanged since {@code transitionCount}: how the idle policy takes
     * an instance it scheduled a suspension for, unless it served or changed since.
     */
    Optional<Claim> claimIfUntouched(long transitionCount) {
        lock.lock();
        try {
            return state == InstanceState.IDLE && transitions == transitionCount ? claimNow() : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Lets go of the claim if {@code claim} is it; a stale claim changes nothing. */
    void release(Claim claim) {
        lock.lock();
        try {
            if (holder != claim) return;
            holder = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private Optional<Claim> claimNow() {
        if (holder != null || ended()) return Optional.empty();
        holder = new Claim(this);
        return Optional.of(holder);
    }

    private boolean ended() {
        return state.terminal() || state == InstanceState.FAILED;
    }

    public void recordError(String error) {
        lock.lock();
        try {
            lastError = error;
        } finally {
            lock.unlock();
        }
    }

    /** The instance's state is gone, for {@code loss}; its detail is the last error too. */
    void recordLoss(StateLoss loss) {
        lock.lock();
        try {
            lost = loss;
            lastError = loss.detail();
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
            return new Snapshot(id, function, revision, memoryBytes, state, since, lastUsed, transitions, holder != null,
                    checkpoints, restores, invocations, imageBytes, lastError, List.copyOf(history), lost);
        } finally {
            lock.unlock();
        }
    }

    /** Restores counters of an instance read back from the node's database. */
    void restoreCounters(long checkpoints, long restores, long invocations, long imageBytes, String lastError,
                         StateLoss lost) {
        lock.lock();
        try {
            this.checkpoints = checkpoints;
            this.restores = restores;
            this.invocations = invocations;
            this.imageBytes = imageBytes;
            this.lastError = lastError;
            this.lost = lost;
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
            List<InstanceState> history,
            /** The last loss of the function's state on this instance; null when none. */
            StateLoss lost) {}
}
