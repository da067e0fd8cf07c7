package dev.torpor.lifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Which idle instances to checkpoint so that {@code needed} bytes fit: a pure function of plain data. */
public final class EvictionPolicy {
    private EvictionPolicy() {}

    /** An instance as eviction sees it; only {@code evictable} ones (idle or paused, unclaimed, policy allows) count. */
    public record Candidate(String id, long memoryBytes, Instant lastUsed, boolean evictable) {}

    /**
     * The least recently used evictable instances, oldest first, just enough to free {@code needed} bytes; empty
     * when even all of them would not free enough (then nothing should be evicted in vain).
     */
    public static Optional<List<String>> choose(List<Candidate> candidates, long needed) {
        if (needed <= 0) return Optional.of(List.of());
        List<Candidate> lru = candidates.stream()
                .filter(Candidate::evictable)
                .sorted(Comparator.comparing(Candidate::lastUsed).thenComparing(Candidate::id))
                .toList();
        List<String> victims = new ArrayList<>();
        long freed = 0;
        for (Candidate c : lru) {
            if (freed >= needed) break;
            victims.add(c.id());
            freed += c.memoryBytes();
        }
        return freed >= needed ? Optional.of(victims) : Optional.empty();
    }
}
