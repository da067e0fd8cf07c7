package dev.torpor.cluster;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.FunctionRegistry;
import dev.torpor.lifecycle.InstanceManager;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The backup peer's side of failover: when an owner's lease runs out, this node raises the epoch (the old owner is
 * refused from then on) and brings the newest backup to life here. Everything after the epoch is raised is tried
 * again until it is done, on the next check at most every {@link #RETRY}, after a restart of this node too (the
 * lease says {@link Lease.Phase#TAKING_OVER}); the backup copy is only read meanwhile, never changed or dropped.
 * Not thread-safe: the one lease-checking thread calls it.
 */
final class Takeovers {
    private static final System.Logger LOG = System.getLogger("torpor.failover");
    static final Duration RETRY = Duration.ofSeconds(1);

    private final String selfId;
    private final LeaseBook book;
    private final LeaseStore leases;
    private final Locations locations;
    private final BackupReceiver backups;
    private final InstanceManager instances;
    private final CheckpointStore images;
    private final FunctionRegistry functions;
    private final Clock clock;
    private final Map<String, Instant> retryAt = new HashMap<>();

    Takeovers(String selfId, LeaseBook book, LeaseStore leases, Locations locations, BackupReceiver backups,
              InstanceManager instances, CheckpointStore images, FunctionRegistry functions, Clock clock) {
        this.selfId = selfId;
        this.book = book;
        this.leases = leases;
        this.locations = locations;
        this.backups = backups;
        this.instances = instances;
        this.images = images;
        this.functions = functions;
        this.clock = clock;
    }

    /** Takes over what ran out, and goes on with every takeover not finished yet. */
    void check() {
        for (String function : book.expired()) begin(function);
        for (Lease l : leases.list()) {
            if (l.owner().equals(selfId) && l.phase() == Lease.Phase.TAKING_OVER) finish(l);
        }
    }

    /** The owner's lease ran out: become the owner, if this node watches the lease and has a backup to run. */
    private void begin(String function) {
        Optional<BackupRecord> backup = backups.latestOf(function);
        boolean watching = book.get(function).map(l -> selfId.equals(l.peer())).orElse(false);
        if (backup.isEmpty() || functions.get(function).isEmpty() || !watching) return; // nothing to run: the owner keeps it
        Lease mine = book.takeOver(function);
        BackupRecord r = backup.get();
        LOG.log(System.Logger.Level.WARNING, "the lease of {0} held by {1} ran out: taking it over at epoch {2} from backup {3} of {4}",
                function, r.owner(), mine.epoch(), r.seq(), r.committedAt());
    }

    /**
     * Rebuilds the newest backup as this node's checkpointed instance, unless an earlier try got that far, then serves
     * it here: invocations stop going to the old owner and the instance is restored (a failed restore keeps the image,
     * and the next invocation restores it, as for any checkpointed instance; a backup this node cannot run is refused
     * by the restore's one compatibility check, which says why in the instance's last error).
     */
    private void finish(Lease lease) {
        String function = lease.function();
        Instant now = clock.instant();
        if (now.isBefore(retryAt.getOrDefault(function, Instant.MIN))) return;
        Optional<BackupRecord> backup = backups.latestOf(function);
        Optional<FunctionDefinition> fn = functions.get(function);
        if (backup.isEmpty() || fn.isEmpty()) return;
        String id = backup.get().instanceId();
        try {
            if (instances.list().stream().noneMatch(s -> s.id().equals(id))) {
                backups.materialize(backup.get(), images.nextDir(id)); // whole or not at all
                instances.adoptCheckpointed(id, fn.get());
            }
            locations.clear(function);
            leases.put(lease.in(Lease.Phase.UNWATCHED));
            retryAt.remove(function);
        } catch (TorporException | UncheckedIOException e) {
            retryAt.put(function, now.plus(RETRY));
            LOG.log(System.Logger.Level.WARNING, "taking over {0} failed, trying again in {1} ms with backup {2} of {3}, "
                    + "kept as it was: {4}", function, RETRY.toMillis(), backup.get().seq(), id, e.getMessage());
            return;
        }
        try {
            instances.restore(id);
        } catch (TorporException e) {
            if (e.kind() == ErrorKind.CONFLICT) return; // an invocation came first (it is served here now) and restores it
            LOG.log(System.Logger.Level.WARNING, "took over {0}, but restoring {1} failed (its next invocation tries again): {2}",
                    function, id, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
