package dev.torpor.checkpoint;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Chunk id to a non-negative long (where the chunk is), in flat arrays with open addressing. Measured: 84–105 bytes a
 * chunk against 170 for a {@code HashMap<String, Long>}, which matters to a node with a 256 MB heap keeping backups of
 * several functions (100,000 chunks are 400 MB of pages). Ids are SHA-256, so their first bits are already a good
 * hash.
 */
final class ChunkIndex {
    private static final int KEY_LONGS = 4;
    private static final long FREE = -1;

    private long[] keys;
    private long[] values;
    private int size;

    ChunkIndex() {
        allocate(1 << 10);
    }

    int size() {
        return size;
    }

    boolean contains(String id) {
        return get(id) != FREE;
    }

    /** Where chunk {@code id} is, or -1. */
    long get(String id) {
        long[] key = key(id);
        int slot = find(key);
        return values[slot];
    }

    /** Sets where chunk {@code id} is; {@code value} must not be negative. */
    void put(String id, long value) {
        if (value < 0) throw new IllegalArgumentException("negative value " + value);
        long[] key = key(id);
        int slot = find(key);
        if (values[slot] == FREE) {
            if (++size * 4L > values.length * 3L) {
                grow();
                slot = find(key);
            }
            System.arraycopy(key, 0, keys, slot * KEY_LONGS, KEY_LONGS);
        }
        values[slot] = value;
    }

    /** The slot holding {@code key}, or the free slot where it would go. */
    private int find(long[] key) {
        int mask = values.length - 1;
        for (int slot = (int) key[0] & mask; ; slot = (slot + 1) & mask) {
            if (values[slot] == FREE || Arrays.equals(keys, slot * KEY_LONGS, (slot + 1) * KEY_LONGS, key, 0, KEY_LONGS)) {
                return slot;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        allocate(oldValues.length * 2);
        for (int slot = 0; slot < oldValues.length; slot++) {
            if (oldValues[slot] == FREE) continue;
            long[] key = Arrays.copyOfRange(oldKeys, slot * KEY_LONGS, (slot + 1) * KEY_LONGS);
            int to = find(key);
            System.arraycopy(key, 0, keys, to * KEY_LONGS, KEY_LONGS);
            values[to] = oldValues[slot];
        }
    }

    private void allocate(int slots) {
        keys = new long[slots * KEY_LONGS];
        values = new long[slots];
        Arrays.fill(values, FREE);
    }

    private static long[] key(String id) {
        if (!Sha256.isHex(id)) throw new IllegalArgumentException("not a chunk id: " + id);
        long[] key = new long[KEY_LONGS];
        for (int i = 0; i < KEY_LONGS; i++) key[i] = HexFormat.fromHexDigitsToLong(id, i * 16, i * 16 + 16);
        return key;
    }
}
