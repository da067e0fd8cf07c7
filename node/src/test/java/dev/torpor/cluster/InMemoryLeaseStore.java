package dev.torpor.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

final class InMemoryLeaseStore implements LeaseStore {
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();

    @Override
    public Optional<Lease> get(String function) {
        return Optional.ofNullable(leases.get(function));
    }

    @Override
    public void put(Lease lease) {
        leases.put(lease.function(), lease);
    }

    @Override
    public List<Lease> list() {
        return List.copyOf(leases.values());
    }
}
