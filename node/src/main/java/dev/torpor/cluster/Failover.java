package dev.torpor.cluster;

import dev.torpor.function.BackupPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.FunctionRegistry;
import dev.torpor.lifecycle.Instance;
import dev.torpor.lifecycle.InstanceManager;
import dev.torpor.lifecycle.InstanceState;
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
 * Keeps at most one copy of each backed-up function serving. Its owner renews a lease with its peer every ttl/3 and
 * serves the function only while the lease holds ({@link #refusal}); when the peer says it took over, the copy here is
 * dropped and invocations are forwarded there. As peer, when an owner's lease runs out this node takes over
 * ({@link Takeovers}): raises the epoch, rebuilds the latest backup and restores it here. Then the roles turn
 * ({@link Roles}): the old owner, back, yields to the higher epoch and becomes the peer, which the new owner serves
 * without until it first confirms the lease, and from then on renews with and backs up to, as the first owner did.
 */
public final class Failover implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("torpor.failover");
    private static final Duration CHECK = Duration.ofMillis(100);

    private final Membership membership;
    private final PeerClient peers;
    private final InstanceManager instances;
    private final FunctionRegistry functions;
    private final Locations locations;
    private final LeaseStore leases;
    private final LeaseBook book;
    private final LeaseKeeper keeper;
    private final Takeovers takeovers;
    private final Roles roles;
    private final BackupReceiver backups;
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
        this.locations = locations;
        this.leases = leases;
        this.book = new LeaseBook(membership.selfId(), clock, leases);
        this.keeper = new LeaseKeeper(clock);
        this.backups = backups;
        this.roles = new Roles(membership.selfId(), functions, locations, leases);
        this.takeovers = new Takeovers(membership.selfId(), book, leases, locations, backups, instances, images, functions, clock);
        this.ttl = ttl;
        this.clock = clock;
        this.timer = timer;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::check, 0, CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- as owner ----------------------------------------------------------------------------------------------

    /**
     * Why this node must not run the function now, if it must not: it owns the function, its peer watches the lease,
     * and the lease cannot be confirmed (the peer unreachable, say). An unconfirmed lease (just created or restarted)
     * is renewed first, which may also find that the peer took the function over: then it is forwarded, and there is
     * no refusal.
     */
    public Optional<String> refusal(String function) {
        Optional<String> peer = unconfirmedWith(function);
        if (peer.isEmpty()) return Optional.empty();
        Optional<PeerNode> node = membership.peer(peer.get());
        Optional<FunctionDefinition> fn = functions.get(function);
        if (node.isPresent() && fn.isPresent()) renew(fn.get(), node.get());
        return unconfirmedWith(function).map(p -> notServed(function, p));
    }

    /**
     * The {@link dev.torpor.lifecycle.ServingGate} of invocations here: CONFLICT unless this node may run the function
     * right now (it owns it, and holds its lease when its peer watches it). Unlike {@link #refusal} it never renews,
     * so it costs nothing to ask often.
     */
    public void confirm(String function) {
        if (functions.get(function).flatMap(BackupPolicy::of).isEmpty()) return; // not backed up: no lease to hold
        Optional<Lease> lease = leases.get(function);
        if (lease.isPresent() && !lease.get().owner().equals(membership.selfId())) {
            throw TorporException.conflict(function + " is owned by " + lease.get().owner() + " since epoch " + lease.get().epoch());
        }
        Optional<String> elsewhere = locations.nodeOf(function);
        if (elsewhere.isPresent()) throw TorporException.conflict(function + " is served by " + elsewhere.get() + " now");
        Optional<String> peer = unconfirmedWith(function);
        if (peer.isPresent()) throw TorporException.conflict(notServed(function, peer.get()));
    }

    private static String notServed(String function, String peer) {
        return function + " is not served here until its lease is confirmed with its backup node " + peer
                + " (so that two copies never run)";
    }

    /** Where to back the function up now: its peer, while this node owns the function and holds a confirmed lease. */
    public Optional<PeerNode> backupTarget(String function) {
        return roles.partner(function).filter(p -> keeper.holds(function)).flatMap(membership::peer);
    }

    /**
     * The peer whose confirmation this node lacks to run the function now: the function is its own, its peer watches
     * the lease, and the lease does not hold. Empty when it may run it (or it is not its to run).
     */
    private Optional<String> unconfirmedWith(String function) {
        return roles.partner(function).filter(p -> roles.watched(function) && !keeper.holds(function));
    }

    private void renew(FunctionDefinition fn, PeerNode peer) {
        Lease mine = leases.get(fn.name()).orElseGet(() -> {
            Lease first = new Lease(fn.name(), membership.selfId(), 1, ttl, peer.id(), Lease.Phase.WATCHED);
            leases.put(first);
            return first;
        });
        Instant sentAt = clock.instant();
        try {
            peers.call(peer, "PUT", "/torpor/v1/leases/" + fn.name(),
                    Map.of("owner", mine.owner(), "epoch", mine.epoch(), "ttlMs", ttl.toMillis()), ttl);
            if (mine.phase() == Lease.Phase.UNWATCHED) watchedFromNowOn(mine);
            keeper.renewed(fn.name(), sentAt, ttl);
            if (fenced.remove(fn.name())) LOG.log(System.Logger.Level.INFO, "lease of {0} confirmed by {1}: serving it again", fn.name(), peer.id());
        } catch (TorporException e) {
            if (e.kind() == ErrorKind.CONFLICT) {
                handOver(fn.name(), peer);
            } else if (unconfirmedWith(fn.name()).isPresent() && fenced.add(fn.name())) {
                LOG.log(System.Logger.Level.WARNING, "cannot renew the lease of {0} with {1} ({2}): not running it until "
                        + "{1} answers", fn.name(), peer.id(), e.getMessage());
            }
        }
    }

    /**
     * The old owner is back and has confirmed the lease this node took over: it watches the lease from now on, and
     * once it holds a backup it can take the function over, so this node serves it only while the lease holds.
     * Recorded before any backup is sent (backups need a confirmed lease), so a restart cannot forget it.
     */
    private synchronized void watchedFromNowOn(Lease mine) {
        if (!leases.get(mine.function()).equals(Optional.of(mine))) return; // changed meanwhile: handed over
        leases.put(mine.in(Lease.Phase.WATCHED));
        LOG.log(System.Logger.Level.INFO, "{0} confirmed the lease of {1} at epoch {2}: backing {1} up to it from now on",
                mine.peer(), mine.function(), mine.epoch());
    }

    /** The peer took the function over (it has a higher epoch): drop the copy here and send its callers there. */
    private void handOver(String function, PeerNode peer) {
        JsonNode lease = peers.call(peer, "GET", "/torpor/v1/leases/" + function, null, ttl);
        yieldTo(function, lease.path("owner").asText(peer.id()), lease.path("epoch").asLong());
    }

    /**
     * Another node owns the function at a higher epoch: invocations go there, the instances here and the backups this
     * node holds of it go (they are older than what the owner runs), and this node becomes the lease's peer.
     */
    private synchronized void yieldTo(String function, String owner, long epoch) {
        // Done already (the lease is recorded last): its backups here are the new owner's, to be kept.
        if (leases.get(function).map(l -> l.owner().equals(owner) && l.epoch() >= epoch).orElse(false)) return;
        locations.set(function, owner);
        keeper.lost(function);
        instances.retire(function);
        backups.forget(function);
        leases.put(new Lease(function, owner, epoch, ttl, membership.selfId(), Lease.Phase.WATCHED));
        fenced.remove(function);
        LOG.log(System.Logger.Level.WARNING, "{0} took over {1} at epoch {2}: dropped the copy here; its invocations go there",
                owner, function, epoch);
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
            while (unconfirmedWith(function).isPresent() && !(resident = residentOf(function)).isEmpty()) {
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

    private List<Instance.Snapshot> residentOf(String function) {
        return instances.list().stream().filter(s -> s.function().equals(function) && s.state().resident()).toList();
    }

    // ---- as backup peer ----------------------------------------------------------------------------------------

    /**
     * A renewal from an owner; CONFLICT when this node took the function over since. A renewal at a higher epoch of a
     * function this node thought it owned says it was taken over while this node was away: it yields first.
     */
    public synchronized Lease renewed(String function, String owner, long epoch, Duration ttl) {
        String self = membership.selfId();
        if (!owner.equals(self) && book.get(function).map(l -> l.owner().equals(self) && l.epoch() < epoch).orElse(false)) {
            yieldTo(function, owner, epoch);
        }
        return book.renew(new Lease(function, owner, epoch, ttl, self, Lease.Phase.WATCHED));
    }

    public Optional<Lease> lease(String function) {
        return book.get(function);
    }

    // ---- both --------------------------------------------------------------------------------------------------

    private void check() {
        try {
            takeovers.check();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "takeover failed", e);
        }
        Instant now = clock.instant();
        for (FunctionDefinition fn : functions.list()) {
            Optional<String> peer = roles.partner(fn.name());
            if (peer.isEmpty()) continue;
            if (unconfirmedWith(fn.name()).isPresent() && !residentOf(fn.name()).isEmpty() && fencing.add(fn.name())) {
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
