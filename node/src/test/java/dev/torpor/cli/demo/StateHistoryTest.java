package dev.torpor.cli.demo;

import static dev.torpor.lifecycle.InstanceState.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.lifecycle.InstanceState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateHistoryTest {
    @Test
    void checkpointCyclesFoldIntoOneRepeatedBlock() {
        List<InstanceState> h = new ArrayList<>(List.of(STARTING, IDLE, BUSY, IDLE));
        for (int i = 0; i < 2; i++) h.addAll(List.of(CHECKPOINTING, CHECKPOINTED, RESTORING, IDLE, BUSY, IDLE));
        h.addAll(List.of(CHECKPOINTING, CHECKPOINTED));
        assertThat(StateHistory.compress(h)).isEqualTo("STARTING→(IDLE→CHECKPOINTED)×3");
    }

    @Test
    void aPausedInstanceEvictedLaterKeepsItsTail() {
        List<InstanceState> h = List.of(STARTING, IDLE, BUSY, IDLE, PAUSING, PAUSED, RESUMING, IDLE, BUSY, IDLE, PAUSING,
                PAUSED, RESUMING, IDLE, CHECKPOINTING, CHECKPOINTED);
        assertThat(StateHistory.compress(h)).isEqualTo("STARTING→(IDLE→PAUSED)×2→IDLE→CHECKPOINTED");
    }

    @Test
    void nothingRepeatedStaysAsItIs() {
        assertThat(StateHistory.compress(List.of(STARTING, IDLE, BUSY, IDLE, CHECKPOINTING, CHECKPOINTED, RESTORING, IDLE)))
                .isEqualTo("STARTING→IDLE→CHECKPOINTED→IDLE");
        assertThat(StateHistory.compress(List.of(STARTING, FAILED))).isEqualTo("STARTING→FAILED");
    }

    @Test
    void aFullHistoryMayHaveLostItsBeginning() {
        List<InstanceState> h = new ArrayList<>(Collections.nCopies(StateHistory.REMEMBERED / 2, List.of(IDLE, PAUSED))
                .stream().flatMap(List::stream).toList());
        assertThat(StateHistory.compress(h)).isEqualTo("…→(IDLE→PAUSED)×16");
    }

    @Test
    void foldPrefersTheBlockThatCoversMost() {
        assertThat(StateHistory.fold(List.of("A", "B", "A", "B", "A", "B", "C"))).containsExactly("(A→B)×3", "C");
        assertThat(StateHistory.fold(List.of("A", "A", "B"))).containsExactly("A×2", "B");
        assertThat(StateHistory.fold(List.of("A", "B", "C", "A", "B", "C"))).containsExactly("(A→B→C)×2");
        assertThat(StateHistory.fold(List.of())).isEmpty();
    }
}
