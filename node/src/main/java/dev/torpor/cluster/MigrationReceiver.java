package dev.torpor.cluster;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.checkpoint.ImageArchive;
import dev.torpor.checkpoint.criu.CriuPageServer;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.lifecycle.Instance;
import dev.torpor.lifecycle.InstanceManager;
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

    public MigrationReceiver(InstanceManager instances, Deployments deployments, CheckpointStore images, Locations locations,
                             PeerClient peers, MigrationSupport support) {
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
     */
    public Instance.Snapshot receive(String instanceId, String function, InputStream body, Optional<PeerNode> postCopyFrom)
            throws InterruptedException {
        FunctionDefinition fn = deployments.get(function);
        Path dir = images.nextDir(instanceId); // the archive reader makes it, whole or not at all
        RemotePages remote = null;
        CriuPageServer pageServer = null;
        try {
            ImageArchive.read(body, dir, bytes -> { });
            instances.adoptCheckpointed(instanceId, fn);
            Optional<InetSocketAddress> lazyFrom = Optional.empty();
            if (postCopyFrom.isPresent()) {
                remote = new RemotePages(peers, postCopyFrom.get(), instanceId);
                pageServer = pageServer(remote);
                lazyFrom = Optional.of(pageServer.address());
            }
            InstanceManager.Restored restored = instances.restore(instanceId, lazyFrom);
            locations.clear(function);
            if (pageServer != null) followPages(instanceId, function, postCopyFrom.get(), remote, pageServer, restored.pagesArrived());
            return restored.instance();
        } catch (RuntimeException | InterruptedException e) {
            if (pageServer != null) pageServer.close();
            instances.discard(instanceId);
            throw e;
        }
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
            try {
                remote.finished(error);
            } catch (TorporException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot tell {0} that post-copy of {1} ended: {2}", source.id(), instanceId, e.getMessage());
            }
        });
    }
}
