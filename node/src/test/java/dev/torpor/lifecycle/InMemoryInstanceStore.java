package dev.torpor.lifecycle;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers instances for the length of a test, and every write, as a database would take it. */
final class InMemoryInstanceStore implements InstanceStore {
    private final Map<String, Instance.Snapshot> saved = new ConcurrentHashMap<>();
    private final List<Instance.Snapshot> writes = new CopyOnWriteArrayList<>();

    @Override
    public void save(Instance.Snapshot instance) {
        saved.put(instance.id(), instance);
        writes.add(instance);
    }

    @Override
    public void delete(String id) {
        saved.remove(id);
    }

    @Override
    public List<Instance.Snapshot> loadAll() {
        return List.copyOf(saved.values());
    }

    /** Every snapshot saved so far, in order. */
    List<Instance.Snapshot> writes() {
        return List.copyOf(writes);
    }
}
