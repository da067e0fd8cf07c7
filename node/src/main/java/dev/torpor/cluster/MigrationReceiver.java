package dev.torpor.cluster;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.checkpoint.ImageArchive;
import dev.torpor.checkpoint.Manifest;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.lifecycle.Instance;
import dev.torpor.lifecycle.InstanceManager;
import dev.torpor.node.Deployments;
import dev.torpor.runtime.RuntimeVersions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/** The target's side of a migration: say yes or no before the freeze, take the code, take and restore the image. */
public final class MigrationReceiver {
    private final InstanceManager instances;
    private final Deployments deployments;
    private final CheckpointStore images;
    private final Locations locations;

    public MigrationReceiver(InstanceManager instances, Deployments deployments, CheckpointStore images, Locations locations) {
        this.instances = instances;
        this.deployments = deployments;
        this.images = images;
        this.locations = locations;
    }

    /** Refuses (INCOMPATIBLE_IMAGE, TOO_MANY_REQUESTS) what could not run here; says whether the code is here already. */
    public Map<String, Object> prepare(MigrationOffer offer) {
        RuntimeVersions here = instances.versions();
        if (!here.architecture().equals(offer.architecture())) {
            throw new TorporException(ErrorKind.INCOMPATIBLE_IMAGE, "this node is " + here.architecture()
                    + ", the image would be " + offer.architecture());
        }
        if (CriuVersion.parse(here.criu()).olderThan(CriuVersion.parse(offer.criu()))) {
            throw new TorporException(ErrorKind.INCOMPATIBLE_IMAGE, "this node's CRIU (" + here.criu()
                    + ") is older than the source's (" + offer.criu() + ")");
        }
        if (!instances.canMakeRoom(offer.memoryBytes())) {
            throw new TorporException(ErrorKind.TOO_MANY_REQUESTS, "no room here for " + offer.memoryBytes()
                    + " bytes more within the memory budget");
        }
        boolean hasCode = deployments.find(offer.function()).map(f -> f.codeSha256().equals(offer.codeSha256())).orElse(false);
        return Map.of("hasCode", hasCode);
    }

    /** Makes the function here run the same code as on the source (same CodeSha256). */
    public FunctionDefinition replica(Replica r) {
        FunctionDefinition fn = r.definition();
        return deployments.find(fn.name())
                .map(existing -> existing.codeSha256().equals(fn.codeSha256()) ? existing : deployments.updateCode(fn.name(), r.zip()))
                .orElseGet(() -> deployments.create(fn, r.zip()));
    }

    /** Reads the image (checksums verified before anything is restored), restores it, and only then says yes. */
    public Instance.Snapshot receive(String instanceId, String function, InputStream body) throws InterruptedException {
        FunctionDefinition fn = deployments.get(function);
        Path dir = images.nextDir(instanceId); // the archive reader makes it, whole or not at all
        try {
            Manifest m = ImageArchive.read(body, dir, bytes -> { });
            if (!m.codeSha256().equals(fn.codeSha256())) {
                throw new TorporException(ErrorKind.INCOMPATIBLE_IMAGE, "the image runs code " + m.codeSha256()
                        + ", " + function + " here is " + fn.codeSha256());
            }
            instances.adoptCheckpointed(instanceId, fn);
            Instance.Snapshot restored = instances.restore(instanceId);
            locations.clear(function);
            return restored;
        } catch (RuntimeException | InterruptedException e) {
            instances.discard(instanceId);
            throw e;
        }
    }
}
