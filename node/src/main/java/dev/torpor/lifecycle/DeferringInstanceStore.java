package dev.torpor.lifecycle;

import dev.torpor.TorporException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Instance records that wait out a database that cannot write (a full disk: SQLITE_FULL). A record is written after
 * runc or CRIU did what it tells of, which no rollback undoes: failing the operation for it left instances BUSY or
 * RESUMING for good. So a write that fails is kept, newest per instance, and written with the next one that
 * succeeds: once space returns the records catch up. Until then a restart finds older counters, as after a power cut.
 * Only taking in a new instance waits for nothing ({@link #saveNow}): it is refused, changing nothing.
 */
final class DeferringInstanceStore implements InstanceStore {
    private static final System.Logger LOG = System.getLogger("torpor.lifecycle");
    private final InstanceStore store;
    /** Writes not made yet, by instance id: the snapshot to save, or empty for a delete. */
    private final Map<String, Optional<Instance.Snapshot>> pending = new LinkedHashMap<>();
    private boolean behind;

    DeferringInstanceStore(InstanceStore store) {
        this.store = store;
    }

    @Override
    public synchronized void save(Instance.Snapshot instance) {
        write(instance.id(), Optional.of(instance));
    }

    @Override
    public synchronized void delete(String id) {
        write(id, Optional.empty());
    }

    /** Saves now or throws, leaving nothing pending for the instance: for a record without which it must not run. */
    synchronized void saveNow(Instance.Snapshot instance) {
        pending.remove(instance.id());
        store.save(instance);
        catchUp();
    }

    @Override
    public synchronized List<Instance.Snapshot> loadAll() {
        return store.loadAll();
    }

    private void write(String id, Optional<Instance.Snapshot> record) {
        pending.remove(id); // newest last
        pending.put(id, record);
        catchUp();
    }

    private void catchUp() {
        for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
            var w = it.next();
            try {
                if (w.getValue().isPresent()) store.save(w.getValue().get()); else store.delete(w.getKey());
            } catch (TorporException e) {
                if (!behind) LOG.log(System.Logger.Level.WARNING, "instance records are written later: " + e.getMessage());
                behind = true;
                return;
            }
            it.remove();
        }
        if (behind) LOG.log(System.Logger.Level.INFO, "instance records caught up");
        behind = false;
    }
}
