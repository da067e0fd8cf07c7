package dev.torpor.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.FunctionRegistry;
import dev.torpor.lifecycle.Instance;
import dev.torpor.lifecycle.InstanceManager;
import dev.torpor.lifecycle.InstanceState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps at most one copy of each backed-up function serving. As owner, this node renews a lease with the function's
 * backup peer every ttl/3 and serves the function only while the lease holds ({@link #refusal}); when the peer says
 * it took over, the copy here is dropped and invocations are forwarded there. As backup peer, when an owner's lease
 * runs out it takes over: raises the epoch, rebuilds the latest backup and restores it here.
 */
public final class Failover implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("torpor.failover");
    private static final Duration CHECK = Duration.ofMillis(100);

    private final Membership membership;
    private final PeerClient peers;
    private final InstanceManager instances;
    private final FunctionRegistry functions;
    private final CheckpointStore images;
    private final BackupReceiver backups;
    private final Locations locations;
    private final LeaseStore leases;
    private final LeaseBook book;
    private final LeaseKeeper keeper;
    private final Duration ttl;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Map<String, Instant> nextRenewal = new ConcurrentHashMap<>();
    private final Set<String> renewing = ConcurrentHashMap.newKeySet();
    private final Set<String> fenced = ConcurrentHashMap.newKeySet();
    /** Functions whose instances are being stopped because their lease does not hold. */
    private final Set<String> fencing = ConcurrentHashMap.newKeySet();

    public Failover(Membership membership, PeerClient peers, InstanceManager instances, FunctionRegistry functions,
                    CheckpointStore images, BackupReceiver backups, Locations locations, LeaseStore leases, Duration ttl,
                    Clock clock, ScheduledExecutorService timer) {
        this.membership = membership;
        this.peers = peers;
        this.instances = instances;
        this.functions = functions;
        this.images = images;
        this.backups = backups;
        this.locations = locations;
        this.leases = leases;
        this.book = new LeaseBook(membership.selfId(), clock, leases);
        this.keeper = new LeaseKeeper(clock);
        this.ttl = ttl;
        this.clock = clock;
        this.timer = timer;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::check, 0, CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- as owner ----------------------------------------------------------------------------------------------

    /**
     * Why this node must not run the function now, if it must not: it is backed up elsewhere and its lease cannot be
     * confirmed (the peer unreachable, say). An unconfirmed lease (just created or restarted) is renewed first, which
     * may also find that the peer took the function over: then it is forwarded, and there is no refusal.
     */
    public Optional<String> refusal(String function) {
        Optional<String> peer = backupPeer(function);
        if (peer.isEmpty() || keeper.holds(function)) return Optional.empty();
        Optional<PeerNode> node = membership.peer(peer.get());
        Optional<FunctionDefinition> fn = functions.get(function);
        if (node.isPresent() && fn.isPresent()) renew(fn.get(), node.get());
        if (backupPeer(function).isEmpty() || keeper.holds(function)) return Optional.empty();
        return Optional.of(notServed(function, peer.get()));
    }

    /**
     * The {@link dev.torpor.lifecycle.ServingGate} of invocations here: CONFLICT unless this node holds the function's
     * lease (when it has one) right now. Unlike {@link #refusal} it never renews, so it costs nothing to ask often.
     */
    public void confirm(String function) {
        if (functions.get(function).flatMap(BackupPolicy::of).isEmpty()) return; // not backed up: no lease to hold
        Optional<Lease> lease = leases.get(function);
        if (lease.isPresent() && !lease.get().owner().equals(membership.selfId())) {
            throw TorporException.conflict(function + " is owned by " + lease.get().owner() + " since epoch " + lease.get().epoch());
        }
        Optional<String> peer = backupPeer(function);
        if (peer.isPresent() && !keeper.holds(function)) throw TorporException.conflict(notServed(function, peer.get()));
    }

    private static String notServed(String function, String peer) {
        return function + " is not served here until its lease is confirmed with its backup node " + peer
                + " (so that two copies never run)";
    }

    /** The function's backup peer when this node is its owner and must hold a lease to run it. */
    private Optional<String> backupPeer(String function) {
        return functions.get(function).flatMap(BackupPolicy::of)
                .map(BackupPolicy::peer)
                .filter(p -> !p.equals(membership.selfId()))
                .filter(p -> locations.nodeOf(function).isEmpty())
                .filter(p -> leases.get(function).map(l -> l.owner().equals(membership.selfId())).orElse(true));
    }

    private void renew(FunctionDefinition fn, PeerNode peer) {
        Lease mine = leases.get(fn.name()).orElseGet(() -> {
            Lease first = new Lease(fn.name(), membership.selfId(), 1, ttl);
            leases.put(first);
            return first;
        });
        Instant sentAt = clock.instant();
        try {
            peers.call(peer, "PUT", "/torpor/v1/leases/" + fn.name(),
                    Map.of("owner", mine.owner(), "epoch", mine.epoch(), "ttlMs", ttl.toMillis()), ttl);
            keeper.renewed(fn.name(), sentAt, ttl);
            if (fenced.remove(fn.name())) LOG.log(System.Logger.Level.INFO, "lease of {0} confirmed by {1}: serving it again", fn.name(), peer.id());
        } catch (TorporException e) {
            if (e.kind() == ErrorKind.CONFLICT) {
                handOver(fn.name(), peer);
            } else if (!keeper.holds(fn.name()) && fenced.add(fn.name())) {
                LOG.log(System.Logger.Level.WARNING, "cannot renew the lease of {0} with {1} ({2}): not running it until "
                        + "{1} answers", fn.name(), peer.id(), e.getMessage());
            }
        }
    }

    /** The peer took the function over (it has a higher epoch): drop the copy here and send its callers there. */
    private void handOver(String function, PeerNode peer) {
        JsonNode lease = peers.call(peer, "GET", "/torpor/v1/leases/" + function, null, ttl);
        String owner = lease.path("owner").asText(peer.id());
        keeper.lost(function);
        instances.retire(function);
        leases.put(new Lease(function, owner, lease.path("epoch").asLong(), ttl));
        locations.set(function, owner);
        fenced.remove(function);
        LOG.log(System.Logger.Level.WARNING, "{0} took over {1} at epoch {2}: dropped the copy here; its invocations go there",
                owner, function, lease.path("epoch").asLong());
    }

    /**
     * Stops the function's instances from running here while its lease does not hold: checkpointed, so nothing is lost
     * if the lease comes back. Runs from the moment the lease lapses, whatever a renewal under way is still waiting
     * for, and goes on until none is resident: a busy one is checkpointed once its invocation ends (whose answer the
     * gate withholds), one that fails is tried again.
     */
    private void fence(String function) {
        try {
            List<Instance.Snapshot> resident;
            while (lapsed(function) && !(resident = residentOf(function)).isEmpty()) {
                boolean failed = false;
                for (Instance.Snapshot s : resident) {
                    try {
                        if (s.state() != InstanceState.BUSY) instances.checkpoint(s.id());
                    } catch (TorporException e) {
                        if (e.kind() != ErrorKind.CONFLICT) { // claimed by an invocation or a backup: next round
                            failed = true;
                            LOG.log(System.Logger.Level.WARNING, "could not checkpoint {0} while fenced: {1}", s.id(), e.getMessage());
                        }
                    }
                }
                Thread.sleep(failed ? ttl.dividedBy(3) : CHECK); // a dump that failed is not retried at once
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            fencing.remove(function);
        }
    }

    /** This node owns the function, which is backed up elsewhere, and holds no lease on it now. */
    private boolean lapsed(String function) {
        return backupPeer(function).isPresent() && !keeper.holds(function);
    }

    private List<Instance.Snapshot> residentOf(String function) {
        return instances.list().stream().filter(s -> s.function().equals(function) && s.state().resident()).toList();
    }

    // ---- as backup peer ----------------------------------------------------------------------------------------

    /** A renewal from an owner; CONFLICT when this node took the function over since. */
    public Lease renewed(String function, String owner, long epoch, Duration ttl) {
        return book.renew(new Lease(function, owner, epoch, ttl));
    }

    public Optional<Lease> lease(String function) {
        return book.get(function);
    }

    /** The owner's lease ran out: become the owner, then bring the latest backup to life here. */
    private void takeOver(String function) {
        Optional<BackupRecord> backup = backups.latestOf(function);
        Optional<FunctionDefinition> fn = functions.get(function)
                .filter(f -> BackupPolicy.of(f).map(p -> p.peer().equals(membership.selfId())).orElse(false));
        if (backup.isEmpty() || fn.isEmpty()) return; // not this node's to take, or nothing to run: the owner keeps it
        Lease mine = book.takeOver(function);
        BackupRecord r = backup.get();
        LOG.log(System.Logger.Level.WARNING, "the lease of {0} held by {1} ran out: taking it over at epoch {2} from backup {3} of {4}",
                function, r.owner(), mine.epoch(), r.seq(), r.committedAt());
        try {
            Path dir = images.nextDir(r.instanceId()); // materialize makes it, whole or not at all
            backups.materialize(r, dir);
            instances.adoptCheckpointed(r.instanceId(), fn.get());
            locations.clear(function);
            restore(r.instanceId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Restores the adopted copy, unless an invocation that came first (it is served here now) is doing so itself. */
    private void restore(String instanceId) throws InterruptedException {
        try {
            instances.restore(instanceId);
        } catch (TorporException e) {
            if (e.kind() != ErrorKind.CONFLICT) throw e;
        }
    }

    // ---- both --------------------------------------------------------------------------------------------------

    private void check() {
        try {
            for (String function : book.expired()) takeOver(function);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "takeover failed", e);
        }
        Instant now = clock.instant();
        for (FunctionDefinition fn : functions.list()) {
            Optional<String> peer = backupPeer(fn.name());
            if (peer.isEmpty()) continue;
            if (lapsed(fn.name()) && !residentOf(fn.name()).isEmpty() && fencing.add(fn.name())) {
                Thread.ofVirtual().name("fence-" + fn.name()).start(() -> fence(fn.name()));
            }
            if (now.isBefore(nextRenewal.getOrDefault(fn.name(), Instant.MIN))) continue;
            Optional<PeerNode> node = membership.peer(peer.get());
            if (node.isEmpty() || !renewing.add(fn.name())) continue;
            nextRenewal.put(fn.name(), now.plus(ttl.dividedBy(3)));
            Thread.ofVirtual().name("lease-" + fn.name()).start(() -> {
                try {
                    renew(fn, node.get());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "lease renewal of " + fn.name() + " failed", e);
                } finally {
                    renewing.remove(fn.name());
                }
            });
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
