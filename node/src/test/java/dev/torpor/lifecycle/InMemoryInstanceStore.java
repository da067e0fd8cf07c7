package dev.torpor.lifecycle;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Remembers instances for the length of a test. */
final class InMemoryInstanceStore implements InstanceStore {
    private final Map<String, Instance.Snapshot> saved = new ConcurrentHashMap<>();

    @Override
    public void save(Instance.Snapshot instance) {
        saved.put(instance.id(), instance);
    }

    @Override
    public void delete(String id) {
        saved.remove(id);
    }

    @Override
    public List<Instance.Snapshot> loadAll() {
        return List.copyOf(saved.values());
    }
}
