package dev.torpor.cluster;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.checkpoint.ImageArchive;
import dev.torpor.checkpoint.criu.CriuPageServer;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.lifecycle.Instance;
import dev.torpor.lifecycle.InstanceManager;
import dev.torpor.lifecycle.InstanceState;
import dev.torpor.lifecycle.Deployments;
import dev.torpor.runtime.MigrationSupport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The target's side of a migration: say yes or no before the freeze, take the code, take and restore the image. */
public final class MigrationReceiver {
    private static final System.Logger LOG = System.getLogger("torpor.migration");
    private final InstanceManager instances;
    private final Deployments deployments;
    private final CheckpointStore images;
    private final Locations locations;
    private final PeerClient peers;
    private final MigrationSupport support;
    private final MoveJournal journal;

    public MigrationReceiver(InstanceManager instances, Deployments deployments, CheckpointStore images, Locations locations,
                             PeerClient peers, MigrationSupport support, MoveJournal journal) {
        this.journal = journal;
        this.peers = peers;
        this.support = support;
        this.instances = instances;
        this.deployments = deployments;
        this.images = images;
        this.locations = locations;
    }

    /** Refuses (INCOMPATIBLE_IMAGE, TOO_MANY_REQUESTS) what could not run here; says whether the code is here already. */
    public Map<String, Object> prepare(MigrationOffer offer) {
        instances.compatibility().refusal(offer.origin()).ifPresent(r -> {
            throw new TorporException(ErrorKind.INCOMPATIBLE_IMAGE, "the image would not restore here: " + r.reason());
        });
        if (!instances.canMakeRoom(offer.memoryBytes())) {
            throw TorporException.throttled("no room here for " + offer.memoryBytes()
                    + " bytes more within the memory budget");
        }
        boolean hasCode = deployments.find(offer.function()).map(f -> f.codeSha256().equals(offer.codeSha256())).orElse(false);
        return Map.of("hasCode", hasCode, "postCopy", support.postCopy());
    }

    /** Makes the function here run the same code as on the source (same CodeSha256). */
    public FunctionDefinition replica(Replica r) {
        FunctionDefinition fn = r.definition();
        return deployments.find(fn.name())
                .map(existing -> existing.codeSha256().equals(fn.codeSha256()) ? existing : deployments.updateCode(fn.name(), r.zip()))
                .orElseGet(() -> deployments.create(fn, r.zip()));
    }

    /**
     * Reads the image (checksums verified before anything is restored), restores it (the restore checks that it can
     * run here, as every restore does: {@link dev.torpor.checkpoint.Compatibility}), and only then says yes. After a
     * post-copy restore ({@code postCopyFrom} present) the instance already runs while its other pages arrive from
     * the source; this node tells the source when it has them all, or that it gave up and dropped its copy.
     * <p>
     * Until the copy here is whole (restored, and its pages all in) the move is in the {@link MoveJournal}: should this
     * node die before, it discards what it has of the instance when it starts again ({@link PartialArrivals}) and
     * the source, which keeps its image until then, runs it again.
     */
    public Instance.Snapshot receive(String instanceId, String function, InputStream body, PeerNode source, boolean postCopy)
            throws InterruptedException {
        FunctionDefinition fn = deployments.get(function);
        dropStaleCopy(instanceId, source);
        Path dir = images.nextDir(instanceId); // the archive reader makes it, whole or not at all
        RemotePages remote = null;
        CriuPageServer pageServer = null;
        journal.begin(new MoveJournal.Move(instanceId, function, source.id(), MoveJournal.Side.TARGET));
        try {
            ImageArchive.read(body, dir, bytes -> { });
            instances.adoptCheckpointed(instanceId, fn);
            Optional<InetSocketAddress> lazyFrom = Optional.empty();
            if (postCopy) {
                remote = new RemotePages(peers, source, instanceId, () -> dropPartial(instanceId));
                pageServer = pageServer(remote);
                lazyFrom = Optional.of(pageServer.address());
            }
            InstanceManager.Restored restored = instances.restore(instanceId, lazyFrom);
            locations.clear(function);
            if (pageServer == null) journal.end(instanceId);
            else followPages(instanceId, function, source, remote, pageServer, restored.pagesArrived());
            return restored.instance();
        } catch (RuntimeException | InterruptedException e) {
            if (pageServer != null) pageServer.close();
            instances.discard(instanceId);
            journal.end(instanceId);
            throw e;
        }
    }

    /**
     * A copy here of an instance the source runs and is sending is stale (left by a move that failed before this node
     * kept track of moves, say): it goes, rather than block the move. One that runs here is a real conflict, refused.
     */
    private void dropStaleCopy(String instanceId, PeerNode source) {
        Optional<Instance.Snapshot> here = instances.list().stream().filter(s -> s.id().equals(instanceId)).findFirst();
        InstanceState state = here.map(Instance.Snapshot::state).orElse(InstanceState.STOPPED);
        boolean stale = state == InstanceState.CHECKPOINTED || state == InstanceState.FAILED || state.terminal();
        if (here.isEmpty() || !stale) return; // nothing, or in use here: refused as already here
        LOG.log(System.Logger.Level.WARNING, "{0} arrives from {1}, which runs it: the stale {2} copy here is dropped",
                instanceId, source.id(), here.get().state());
        instances.discard(instanceId);
    }

    /**
     * How this node holds instance {@code instanceId} ({@code arriving} while its pages are still on their way), or
     * NOT_FOUND when it does not: what the source of a move asks while it waits, and when it starts again mid-move.
     */
    public Map<String, Object> status(String instanceId) {
        // The journal first: a copy that is dropped goes before its row does, so it is never taken for a whole one.
        boolean arriving = journal.all().stream().anyMatch(m -> m.instanceId().equals(instanceId) && m.side() == MoveJournal.Side.TARGET);
        Optional<Instance.Snapshot> here = instances.list().stream().filter(s -> s.id().equals(instanceId))
                .filter(s -> s.state() != InstanceState.FAILED && !s.state().terminal()).findFirst();
        if (here.isEmpty()) throw TorporException.notFound("instance " + instanceId + " is not here");
        return Map.of("instanceId", instanceId, "state", here.get().state().name(), "arriving", arriving);
    }

    /**
     * A page could not be had: the process here has holes where it was to go. It is killed before CRIU hears of it,
     * since CRIU's lazy-pages daemon exiting would let the process read zeroes where pages are missing.
     */
    private void dropPartial(String instanceId) {
        boolean running = instances.list().stream() // once restored: a failing restore discards it itself
                .anyMatch(s -> s.id().equals(instanceId) && s.state().resident() && s.state() != InstanceState.RESTORING);
        if (running) instances.discard(instanceId);
    }

    private static CriuPageServer pageServer(RemotePages remote) {
        try {
            return new CriuPageServer(remote);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot open a page server for CRIU: " + e.getMessage(), e);
        }
    }

    private void followPages(String instanceId, String function, PeerNode source, RemotePages remote, CriuPageServer pageServer,
                             CompletableFuture<Void> arrived) {
        arrived.whenComplete((ok, failure) -> {
            CompletableFuture<Long> served = pageServer.finished(); // why serving broke off, if it did: before close() says "closed"
            String cause = served.isCompletedExceptionally() ? " (" + served.exceptionNow().getMessage() + ")" : "";
            pageServer.close();
            String error = failure == null ? null : "the pages of " + instanceId + " stopped arriving: " + failure.getMessage() + cause;
            if (error != null) {
                LOG.log(System.Logger.Level.WARNING, "{0}; the copy here is dropped and {1} serves it again", error, source.id());
                instances.discard(instanceId);
                locations.set(function, source.id());
            }
            journal.end(instanceId); // whole, or dropped: nothing of it is left to settle

            try {
                remote.finished(error);
            } catch (TorporException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot tell {0} that post-copy of {1} ended: {2}", source.id(), instanceId, e.getMessage());
            }
        });
    }
}
