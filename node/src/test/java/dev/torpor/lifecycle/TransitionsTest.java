package dev.torpor.lifecycle;

import static dev.torpor.lifecycle.InstanceState.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class TransitionsTest {

    /** Every allowed transition, one row per state; any pair not written here must be refused. */
    private static final String ALLOWED = """
            STARTING       READY→IDLE                                                 FAIL→FAILED  STOP→STOPPED
            IDLE           DISPATCH→BUSY  PAUSE→PAUSING  CHECKPOINT→CHECKPOINTING  BACKUP→BACKING_UP  FAIL→FAILED  STOP→STOPPED
            BUSY           READY→IDLE                                                 FAIL→FAILED  STOP→STOPPED
            PAUSING        PAUSED→PAUSED  ABORTED→IDLE                                FAIL→FAILED  STOP→STOPPED
            PAUSED         RESUME→RESUMING                                            FAIL→FAILED  STOP→STOPPED
            RESUMING       RESUMED→IDLE  ABORTED→PAUSED                               FAIL→FAILED  STOP→STOPPED
            CHECKPOINTING  CHECKPOINTED→CHECKPOINTED  ABORTED→IDLE                    FAIL→FAILED  STOP→STOPPED
            BACKING_UP     BACKED_UP→IDLE  ABORTED→IDLE                               FAIL→FAILED  STOP→STOPPED
            CHECKPOINTED   RESTORE→RESTORING  MIGRATE→MIGRATING                       FAIL→FAILED  STOP→STOPPED
            RESTORING      RESTORED→IDLE  ABORTED→CHECKPOINTED                        FAIL→FAILED  STOP→STOPPED
            MIGRATING      MIGRATED→MOVED  ABORTED→CHECKPOINTED                       FAIL→FAILED  STOP→STOPPED
            FAILED                                                                                 STOP→STOPPED
            MOVED
            STOPPED
            """;

    private static final Map<InstanceState, Map<LifecycleEvent, InstanceState>> TABLE = parse(ALLOWED);

    private static final Set<InstanceState> RESIDENT =
            EnumSet.of(STARTING, IDLE, BUSY, PAUSING, PAUSED, RESUMING, CHECKPOINTING, BACKING_UP, RESTORING);
    private static final Set<InstanceState> TRANSITIONAL =
            EnumSet.of(STARTING, PAUSING, RESUMING, CHECKPOINTING, BACKING_UP, RESTORING, MIGRATING);

    @Test
    void tableHasOneRowForEveryState() {
        assertThat(TABLE.keySet()).containsExactlyInAnyOrder(InstanceState.values());
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("everyStateAndEvent")
    void followsTheTable(InstanceState state, LifecycleEvent event) {
        assertThat(Transitions.next(state, event)).isEqualTo(Optional.ofNullable(TABLE.get(state).get(event)));
    }

    @ParameterizedTest
    @EnumSource(names = {"MOVED", "STOPPED"})
    void terminalStatesRefuseEverything(InstanceState state) {
        assertThat(state.terminal()).isTrue();
        for (LifecycleEvent event : LifecycleEvent.values()) {
            assertThat(Transitions.next(state, event)).as("%s + %s", state, event).isEmpty();
        }
    }

    @Test
    void onlyMovedAndStoppedAreTerminal() {
        assertThat(Arrays.stream(InstanceState.values()).filter(InstanceState::terminal)).containsExactlyInAnyOrder(MOVED, STOPPED);
    }

    @Test
    void pausedHoldsMemoryButCheckpointedDoesNot() {
        assertThat(PAUSED.resident()).isTrue();
        assertThat(CHECKPOINTED.resident()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(InstanceState.class)
    void residentAndTransitionalTruths(InstanceState state) {
        assertThat(state.resident()).isEqualTo(RESIDENT.contains(state));
        assertThat(state.transitional()).isEqualTo(TRANSITIONAL.contains(state));
    }

    static Stream<Arguments> everyStateAndEvent() {
        return Arrays.stream(InstanceState.values())
                .flatMap(s -> Arrays.stream(LifecycleEvent.values()).map(e -> Arguments.of(s, e)));
    }

    private static Map<InstanceState, Map<LifecycleEvent, InstanceState>> parse(String table) {
        Map<InstanceState, Map<LifecycleEvent, InstanceState>> out = new EnumMap<>(InstanceState.class);
        table.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(line -> {
            String[] words = line.split("\\s+");
            Map<LifecycleEvent, InstanceState> row = new EnumMap<>(LifecycleEvent.class);
            for (String arrow : Arrays.asList(words).subList(1, words.length)) {
                String[] eventAndTarget = arrow.split("→");
                row.put(LifecycleEvent.valueOf(eventAndTarget[0]), InstanceState.valueOf(eventAndTarget[1]));
            }
            assertThat(out.put(InstanceState.valueOf(words[0]), row)).as("row %s written twice", words[0]).isNull();
        });
        return out;
    }
}
