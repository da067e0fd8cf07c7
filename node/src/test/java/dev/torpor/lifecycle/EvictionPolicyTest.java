package dev.torpor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.lifecycle.EvictionPolicy.Candidate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EvictionPolicyTest {
    private static final long MIB = 1024 * 1024;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Candidate idle(String id, long mib, int usedAtSecond) {
        return new Candidate(id, mib * MIB, T0.plusSeconds(usedAtSecond), true);
    }

    private static Candidate busy(String id, long mib, int usedAtSecond) {
        return new Candidate(id, mib * MIB, T0.plusSeconds(usedAtSecond), false);
    }

    @Test
    void picksLeastRecentlyUsedFirst() {
        List<Candidate> all = List.of(idle("c", 128, 30), idle("a", 128, 10), idle("b", 128, 20));

        assertThat(EvictionPolicy.choose(all, 128 * MIB)).contains(List.of("a"));
        assertThat(EvictionPolicy.choose(all, 256 * MIB)).contains(List.of("a", "b"));
    }

    @Test
    void takesJustEnoughVictims() {
        List<Candidate> all = List.of(idle("old", 64, 1), idle("mid", 64, 2), idle("new", 512, 3));

        // 100 MiB: the two oldest free 128 MiB, enough; the big newest one is left alone.
        assertThat(EvictionPolicy.choose(all, 100 * MIB)).contains(List.of("old", "mid"));
        assertThat(EvictionPolicy.choose(all, 64 * MIB)).contains(List.of("old"));
        assertThat(EvictionPolicy.choose(all, 1)).contains(List.of("old"));
    }

    @Test
    void breaksTiesById() {
        List<Candidate> all = List.of(idle("b", 128, 5), idle("c", 128, 5), idle("a", 128, 5));

        assertThat(EvictionPolicy.choose(all, 256 * MIB)).contains(List.of("a", "b"));
    }

    @Test
    void skipsInstancesThatAreNotEvictable() {
        List<Candidate> all = List.of(busy("oldest-but-busy", 128, 1), idle("younger", 128, 2));

        assertThat(EvictionPolicy.choose(all, 128 * MIB)).contains(List.of("younger"));
    }

    @Test
    void evictsNothingWhenEvenAllEvictableOnesAreNotEnough() {
        List<Candidate> all = List.of(idle("a", 128, 1), busy("b", 1024, 2), idle("c", 128, 3));

        assertThat(EvictionPolicy.choose(all, 257 * MIB)).isEmpty();
        assertThat(EvictionPolicy.choose(List.of(), 1)).isEmpty();
    }

    @Test
    void nothingNeededMeansNoVictims() {
        List<Candidate> all = List.of(idle("a", 128, 1));

        assertThat(EvictionPolicy.choose(all, 0)).contains(List.of());
        assertThat(EvictionPolicy.choose(all, -5 * MIB)).contains(List.of());
    }
}
