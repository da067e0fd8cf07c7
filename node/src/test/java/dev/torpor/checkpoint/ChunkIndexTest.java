package dev.torpor.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkIndexTest {
    private static String id(int i) {
        return Sha256.hex(Integer.toString(i).getBytes(), 0, Integer.toString(i).length());
    }

    @Test
    void holdsAHundredThousandChunksThroughItsGrowth() {
        ChunkIndex index = new ChunkIndex();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(id(i));
            index.put(id(i), i);
        }

        assertThat(index.size()).isEqualTo(100_000);
        for (int i = 0; i < ids.size(); i++) assertThat(index.get(ids.get(i))).isEqualTo(i);
        assertThat(index.contains(id(100_000))).isFalse();
        assertThat(index.get(id(100_001))).isEqualTo(-1);
    }

    @Test
    void aSecondPutMovesTheChunk() {
        ChunkIndex index = new ChunkIndex();
        index.put(id(1), 5);
        index.put(id(1), 7);

        assertThat(index.size()).isEqualTo(1);
        assertThat(index.get(id(1))).isEqualTo(7);
    }

    @Test
    void takesOnlyChunkIdsAndLocations() {
        ChunkIndex index = new ChunkIndex();
        assertThatThrownBy(() -> index.put("../x", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.put(id(1), -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
