package dev.torpor.checkpoint;

import java.nio.file.Path;
import java.util.Optional;

/** Checkpoint images of this node's instances, kept local and uncompressed for the fastest restore. */
public interface CheckpointStore {

    /** A fresh, empty directory for the next image of {@code instanceId}. */
    Path begin(String instanceId);

    /**
     * Completes the image begun in {@code dir}: lists and syncs its files, writes and syncs the manifest, and drops
     * the instance's older images. Returns the manifest as written.
     */
    Manifest commit(Path dir, Manifest withoutFiles);

    /** Throws away an image that was begun but will not be completed. */
    void discard(Path dir);

    /**
     * Throws away an image that was restored and is stale now. Once this returns the image is no longer complete
     * (no {@link #latest}, swept after a restart); its files may go a little later.
     */
    default void retire(Path dir) {
        discard(dir);
    }

    /** The newest complete image of the instance. */
    Optional<Image> latest(String instanceId);

    /** Removes every image of the instance. */
    void delete(String instanceId);

    /** Removes what interrupted dumps left behind: directories without a manifest. */
    void sweepIncomplete();

    record Image(Path dir, Manifest manifest) {}
}
