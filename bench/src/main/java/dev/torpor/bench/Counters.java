package dev.torpor.bench;

import java.util.HashMap;
import java.util.Map;

/** The last counter each function answered, to judge the next answer: its state survived if it is one past. */
final class Counters {
    private final Map<String, Integer> last = new HashMap<>();

    /** Marks the answer correct when its counter is one past the function's last answer (1 for a first answer). */
    Answer check(String function, Answer a) {
        int expected = last.getOrDefault(function, 0) + 1;
        last.put(function, a.count());
        return a.checkedAgainst(expected);
    }
}
