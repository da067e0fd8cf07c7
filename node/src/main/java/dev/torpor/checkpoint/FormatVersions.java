package dev.torpor.checkpoint;

/**
 * The format version of every structure this node persists or sends to another node, in one table so that a change
 * to one is made beside the others. NOTICE: any change to one of these structures (a field added, removed or read
 * differently; a file an image must hold) requires a bump of its version here, in the same commit. Readers refuse a
 * version they do not know and say which they read: an image or a stream is never half understood.
 *
 * <p>Not here: the node's database, which brings an older file up to date instead of refusing it, versioned by its
 * append-only list of migrations ({@code node/NodeSchema}); and backup recipes, kept inside a snapshot beside the
 * image's manifest (and its {@link #IMAGE} version), whose chunk counts are checked against the chunk sizes this
 * node cuts at ({@link Recipe.FileRecipe}).
 */
public final class FormatVersions {
    /**
     * A checkpoint image: its {@link Manifest} and the files it must hold. 2: it holds the CPU it was dumped on
     * ({@link Compatibility#CPU_INFO}).
     */
    public static final int IMAGE = 2;
    /** {@link ImageArchive}: an image as one stream to another node. */
    static final int ARCHIVE = 1;
    /** {@link ChunkWire}: backup chunks on their way to a peer. */
    static final int CHUNK_STREAM = 1;
    /**
     * {@link PackFile}: backup chunks on a peer's disk, the digit ending the trailer's magic ({@code TPK1}). A pack of
     * another version is read as one whose index is damaged: record by record, each checked against its id.
     */
    static final int PACK = 1;

    private FormatVersions() {}
}
