package dev.torpor.cluster;

import java.util.List;
import java.util.Optional;

/** Leases as a node last knew them, kept durably: an epoch forgotten in a restart would let a stale owner back in. */
public interface LeaseStore {
    Optional<Lease> get(String function);

    void put(Lease lease);

    List<Lease> list();
}
