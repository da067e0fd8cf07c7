package dev.torpor.runtime;

/**
 * What this host offers for moving a running instance with little downtime: userfaultfd for post-copy (restore
 * first, pages after) and soft-dirty tracking for pre-copy (CRIU's iterative dumps). Detected, never assumed.
 */
public record MigrationSupport(boolean postCopy, boolean preCopy) {
    public static final MigrationSupport NONE = new MigrationSupport(false, false);
}
