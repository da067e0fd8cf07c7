package dev.torpor.checkpoint;

/**
 * Whether an image is still what was dumped: its files against the sizes and CRC32C its manifest took at dump time.
 * Asked beside {@link Compatibility} before every restore, so a damaged image is refused before CRIU reads it, from
 * local disk as much as from another node. CRC32C runs on the CPU's own instruction: the check costs about one read
 * of the image.
 *
 * <p>Errors: {@code INCOMPATIBLE_IMAGE} when the image is damaged (a file missing, resized or changed), {@code FAILED}
 * when it cannot be read at all.
 */
public final class Integrity {
    private Integrity() {}

    /** Every listed file read whole and checked against its CRC32C: what a restore asks. */
    public static void require(CheckpointStore.Image image) {
        ImageFiles.verify(image.dir(), image.manifest());
    }

    /** Every listed file there with its size, read no further: what a starting node asks of each image it finds. */
    public static void requireListed(CheckpointStore.Image image) {
        ImageFiles.requireListed(image.dir(), image.manifest());
    }
}
