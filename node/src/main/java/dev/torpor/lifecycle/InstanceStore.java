package dev.torpor.lifecycle;

import java.util.List;

/** Where instances are remembered across restarts of the node. */
public interface InstanceStore {
    void save(Instance.Snapshot instance);

    void delete(String id);

    List<Instance.Snapshot> loadAll();
}
