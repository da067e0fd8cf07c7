package dev.torpor.lifecycle;

import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.runtime.ContainerRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The dump a node killed during a checkpoint left without a manifest, settled on its restart so that the instance is
 * at its previous state or at its new image, never neither. The dump's runc and CRIU outlive the node and carry on;
 * once they have ended ({@link ContainerRuntime#awaitLeftoverCommands}), what they left tells which it is.
 */
final class InterruptedDumps {
    private static final System.Logger LOG = System.getLogger("torpor.lifecycle");
    private final ContainerRuntime runtime;
    private final CheckpointStore images;
    private final InstanceOperations ops;

    InterruptedDumps(ContainerRuntime runtime, CheckpointStore images, InstanceOperations ops) {
        this.runtime = runtime;
        this.images = images;
        this.ops = ops;
    }

    /**
     * A container runc still holds was not taken by the dump (it failed, or had not begun): its files go, and the
     * container is taken back as it runs. A container the dump took, with CRIU's word that the dump finished, left a
     * whole image: it is completed as any dump is (checksummed, synced, its manifest written last), which makes it the
     * instance's image. Anything else is half a dump, unusable: its files go.
     */
    void settle(Instance.Snapshot s, FunctionDefinition fn, boolean containerRemains) {
        Path dir = images.unfinished(s.id()).orElse(null);
        if (dir == null) return;
        if (containerRemains || !runtime.dumpFinished(s.id())) {
            images.discard(dir);
            return;
        }
        images.commit(dir, ops.manifest(s.id(), s.memoryBytes(), fn, begunAt(dir)));
        runtime.remove(s.id()); // what runc and the node made for the container it took: namespace, work files
        LOG.log(System.Logger.Level.INFO, "{0}: the checkpoint under way when the node stopped had finished; its image is"
                + " complete now and the instance is checkpointed", s.id());
    }

    private static Instant begunAt(Path dir) {
        try {
            return Files.getLastModifiedTime(dir).toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
