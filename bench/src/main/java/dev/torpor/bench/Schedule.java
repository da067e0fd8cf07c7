package dev.torpor.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The order measurements are taken in: every round visits every function size, and at each size every system in
 * turn (A B C A B C …), so a slow minute of the machine lands on all systems alike instead of on whichever one
 * happened to be measured then.
 */
public final class Schedule {
    public record Step<S>(int round, int sizeMb, S system) {}

    private Schedule() {}

    public static <S> List<Step<S>> interleaved(int rounds, List<Integer> sizesMb, List<S> systems) {
        List<Step<S>> steps = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            for (int size : sizesMb) {
                for (S s : systems) steps.add(new Step<>(r, size, s));
            }
        }
        return steps;
    }
}
