package dev.torpor.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A database that cannot write (a full disk) delays instance records; it never fails what they tell of. */
class DeferringInstanceStoreTest {
    private final FullDisk db = new FullDisk();
    private final DeferringInstanceStore store = new DeferringInstanceStore(db);

    @Test
    void writesMadeWhileTheDiskIsFullCatchUpWithTheFirstOneAfter() {
        store.save(snapshot("a", InstanceState.IDLE));
        db.full = true;
        store.save(snapshot("a", InstanceState.BUSY));
        store.save(snapshot("a", InstanceState.IDLE));
        store.save(snapshot("b", InstanceState.IDLE));
        store.delete("old");
        assertThat(db.loadAll()).extracting(Instance.Snapshot::state).containsExactly(InstanceState.IDLE);

        db.full = false;
        store.save(snapshot("c", InstanceState.STARTING));

        assertThat(db.loadAll()).extracting(Instance.Snapshot::id).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(db.deleted).containsExactly("old");
    }

    @Test
    void aNewInstanceThatCannotBeRecordedIsRefusedAndLeavesNothingPending() {
        db.full = true;
        assertThatThrownBy(() -> store.saveNow(snapshot("new", InstanceState.STARTING)))
                .isInstanceOfSatisfying(TorporException.class, e -> assertThat(e.getMessage()).contains("SQLITE_FULL"));

        db.full = false;
        store.save(snapshot("other", InstanceState.IDLE));
        assertThat(db.loadAll()).extracting(Instance.Snapshot::id).containsExactly("other");
    }

    private static Instance.Snapshot snapshot(String id, InstanceState state) {
        return new Instance(id, "fn", 1, 1 << 20, state, Instant.EPOCH).snapshot();
    }

    /** An instance store over a disk that can be filled, refusing writes as SQLite does then. */
    private static final class FullDisk implements InstanceStore {
        final InMemoryInstanceStore kept = new InMemoryInstanceStore();
        final List<String> deleted = new java.util.ArrayList<>();
        volatile boolean full;

        @Override
        public void save(Instance.Snapshot instance) {
            refuseIfFull();
            kept.save(instance);
        }

        @Override
        public void delete(String id) {
            refuseIfFull();
            deleted.add(id);
            kept.delete(id);
        }

        @Override
        public List<Instance.Snapshot> loadAll() {
            return kept.loadAll();
        }

        private void refuseIfFull() {
            if (full) throw new TorporException(ErrorKind.FAILED, "database: cannot save: [SQLITE_FULL] database or disk is full");
        }
    }
}
