package dev.torpor.bench;

import java.util.List;

/** Loopback ports of one peer's functions: two per size, the long-lived one and the cold-start one. */
record Ports(int base, List<Integer> sizesMb) {
    int of(int sizeMb) {
        return base + 2 * index(sizeMb);
    }

    int coldOf(int sizeMb) {
        return base + 2 * index(sizeMb) + 1;
    }

    private int index(int sizeMb) {
        int i = sizesMb.indexOf(sizeMb);
        if (i < 0) throw new IllegalArgumentException("no port for a function of " + sizeMb + " MB");
        return i;
    }
}
