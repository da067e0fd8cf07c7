package dev.torpor.lifecycle;

import dev.torpor.TorporException;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.SuspendPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Keeps the node inside its memory budget: an instance about to become resident reserves its memory, and when it
 * does not fit the least recently used idle instances are checkpointed to make room.
 */
final class MemoryRoom {
    private final MemoryBudget budget;
    private final InstanceOperations ops;
    private final Clock clock;
    private final Duration admissionTimeout;
    private final Map<String, LiveInstance> live;
    private final Function<String, SuspendPolicy> policies;
    private final Function<String, Optional<FunctionDefinition>> functions;

    MemoryRoom(MemoryBudget budget, InstanceOperations ops, Clock clock, Duration admissionTimeout,
               Map<String, LiveInstance> live, Function<String, SuspendPolicy> policies,
               Function<String, Optional<FunctionDefinition>> functions) {
        this.budget = budget;
        this.ops = ops;
        this.clock = clock;
        this.admissionTimeout = admissionTimeout;
        this.live = live;
        this.policies = policies;
        this.functions = functions;
    }

    /**
     * Reserves the instance's memory, checkpointing least recently used idle instances to make room; waits for
     * room up to the admission timeout, then refuses with TooManyRequests.
     */
    void reserve(LiveInstance inst, String function) throws InterruptedException {
        long bytes = inst.instance.memoryBytes();
        Instant deadline = clock.instant().plus(admissionTimeout);
        while (!budget.tryReserve(inst.id(), bytes)) {
            if (bytes > budget.limitBytes()) {
                throw TorporException.throttled(function + " needs " + bytes
                        + " bytes, more than the node's whole memory budget of " + budget.limitBytes());
            }
            Optional<List<String>> victims = EvictionPolicy.choose(candidates(inst), budget.shortfall(bytes));
            if (victims.isPresent() && !victims.get().isEmpty()) {
                boolean freed = false;
                for (String id : victims.get()) freed |= evict(live.get(id));
                if (freed) continue; // room was made: try again at once; otherwise wait like when there are no victims
            }
            if (!clock.instant().isBefore(deadline)) {
                throw TorporException.throttled("the memory budget (" + budget.limitBytes()
                        + " bytes) is full of instances that cannot be checkpointed now; " + function + " needs " + bytes);
            }
            budget.awaitRelease(Duration.ofMillis(50));
        }
    }

    /** Whether {@code bytes} more could be made resident, now or by checkpointing idle instances. */
    boolean canMake(long bytes) {
        return bytes <= budget.limitBytes() && EvictionPolicy.choose(candidates(null), budget.shortfall(bytes)).isPresent();
    }

    private List<EvictionPolicy.Candidate> candidates(LiveInstance except) {
        Instant now = clock.instant();
        List<EvictionPolicy.Candidate> out = new ArrayList<>();
        for (LiveInstance l : live.values()) {
            if (l == except) continue;
            Instance.Snapshot s = l.instance.snapshot();
            if (!s.state().resident()) continue;
            boolean evictable = !s.claimed()
                    && (s.state() == InstanceState.IDLE || s.state() == InstanceState.PAUSED)
                    && !l.checkpointsRefused(now)
                    && policies.apply(s.function()).mode() != SuspendPolicy.Mode.NONE;
            out.add(new EvictionPolicy.Candidate(s.id(), s.memoryBytes(), s.lastUsed(), evictable));
        }
        return out;
    }

    /**
     * Checkpoints a victim to free its memory, holding its claim throughout (resuming a paused one first); true when
     * it holds no memory afterwards.
     */
    private boolean evict(LiveInstance victim) {
        if (victim == null) return false;
        Optional<FunctionDefinition> fn = functions.apply(victim.instance.function());
        Optional<Claim> claim = fn.isPresent() ? victim.instance.tryClaim() : Optional.empty();
        if (claim.isPresent()) {
            try (Claim held = claim.get()) {
                if (victim.instance.snapshot().state() == InstanceState.PAUSED) ops.resume(victim);
                if (victim.instance.snapshot().state() == InstanceState.IDLE) ops.checkpoint(victim, fn.get());
            } catch (TorporException e) {
                // recorded on the instance; it stays resident and the caller looks for room elsewhere
            }
        }
        return !budget.holds(victim.id());
    }
}
