package dev.torpor.cli.demo;

import dev.torpor.lifecycle.InstanceState;
import java.util.ArrayList;
import java.util.List;

/**
 * An instance's history in one short line: the states it rested in, in order, with runs that repeat folded, e.g.
 * {@code STARTING→(IDLE→CHECKPOINTED)×3}. BUSY and the operations under way (-ING) are left out: they come between
 * every two resting states.
 */
final class StateHistory {
    /** How many states an instance remembers; a history this long may have lost its beginning. */
    static final int REMEMBERED = 32;
    private static final int LONGEST_FOLDED_RUN = 3;

    private StateHistory() {}

    static String compress(List<InstanceState> history) {
        List<String> resting = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            InstanceState s = history.get(i);
            boolean kept = i == 0 || (s != InstanceState.BUSY && !s.transitional());
            if (kept && (resting.isEmpty() || !resting.getLast().equals(s.name()))) resting.add(s.name());
        }
        String folded = String.join("→", fold(resting));
        return history.size() >= REMEMBERED ? "…→" + folded : folded;
    }

    /** Replaces each run of a block repeated back to back by {@code (block)×n}, taking the block that covers most. */
    static List<String> fold(List<String> items) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < items.size()) {
            int bestLength = 1;
            int bestRepeats = 1;
            for (int length = 1; length <= LONGEST_FOLDED_RUN; length++) {
                int repeats = repeats(items, i, length);
                if (repeats > 1 && length * repeats > bestLength * bestRepeats) {
                    bestLength = length;
                    bestRepeats = repeats;
                }
            }
            List<String> block = items.subList(i, i + bestLength);
            if (bestRepeats == 1) {
                out.addAll(block);
            } else {
                out.add((bestLength == 1 ? block.getFirst() : "(" + String.join("→", block) + ")") + "×" + bestRepeats);
            }
            i += bestLength * bestRepeats;
        }
        return out;
    }

    /** How many times the block of {@code length} at {@code from} occurs back to back from there. */
    private static int repeats(List<String> items, int from, int length) {
        if (from + length > items.size()) return 0;
        List<String> block = items.subList(from, from + length);
        int n = 1;
        while (from + (n + 1) * length <= items.size()
                && items.subList(from + n * length, from + (n + 1) * length).equals(block)) {
            n++;
        }
        return n;
    }
}
