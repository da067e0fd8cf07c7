package dev.torpor.checkpoint;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Checkpoint images of this node's instances, kept local and uncompressed for the fastest restore. */
public interface CheckpointStore {

    /** A fresh, empty directory for the next image of {@code instanceId}. */
    Path begin(String instanceId);

    /**
     * Where the next image of {@code instanceId} goes, not made yet: for readers that build an image whole and move
     * it into place themselves (one received from another node, one rebuilt from a backup).
     */
    Path nextDir(String instanceId);

    /**
     * Completes the image begun in {@code dir}: lists and syncs its files, writes and syncs the manifest, and drops
     * the instance's older images. Returns the manifest as written.
     */
    Manifest commit(Path dir, Manifest withoutFiles);

    /**
     * {@link #commit} off the caller's thread. Until it ends, {@link #latest} and {@link #delete} of the instance
     * wait for it, so a restore, a transfer or a removal never sees a half-completed image.
     */
    default CompletableFuture<Manifest> commitLater(Path dir, Manifest withoutFiles) {
        try {
            return CompletableFuture.completedFuture(commit(dir, withoutFiles));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The bytes an image's files take on disk now (a stat of each, no reading). */
    static long bytesOf(Path dir) {
        try (var files = java.nio.file.Files.list(dir)) {
            return files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** Waits for every {@link #commitLater} under way (before the node stops). */
    default void awaitCommits() {}

    /** Throws away an image that was begun but will not be completed. */
    void discard(Path dir);

    /**
     * Throws away an image that was restored and is stale now. Once this returns the image is no longer complete
     * (no {@link #latest}, swept after a restart); its files may go a little later.
     */
    default void retire(Path dir) {
        discard(dir);
    }

    /**
     * The newest image, even one whose commit is still under way (its manifest then lists no files yet): for a
     * reader that needs the files CRIU wrote now and not their checksums (a post-copy source).
     */
    default Optional<Image> newest(String instanceId) {
        return latest(instanceId);
    }

    /** The newest complete image of the instance. */
    Optional<Image> latest(String instanceId);

    /** Removes every image of the instance. */
    void delete(String instanceId);

    /**
     * Moves every image of the instance aside, whole, where nothing restores, sends or deletes it (an operator may look
     * into it, then remove it): for an image found damaged. Returns where it went.
     */
    Path quarantine(String instanceId);

    /**
     * The newest image of the instance begun and never completed (no manifest), newer than its complete ones: what a
     * dump under way when the node was killed left. Recovery decides whether it is whole ({@link #commit} it) or not.
     */
    Optional<Path> unfinished(String instanceId);

    /** Removes what interrupted dumps left behind: directories without a manifest. */
    void sweepIncomplete();

    record Image(Path dir, Manifest manifest) {}
}
