package dev.torpor.cluster;

/** Headers of a piece of pages on the wire between a post-copy's source and target. */
public final class PageHeaders {
    public static final String RAW_LENGTH = "X-Torpor-Raw-Length";
    public static final String CRC32C = "X-Torpor-Crc32c";

    private PageHeaders() {}
}
