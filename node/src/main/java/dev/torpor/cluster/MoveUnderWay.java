package dev.torpor.cluster;

import java.time.Instant;

/** A function on its way to a peer now: being migrated there, or backed up to it. */
public record MoveUnderWay(Kind kind, String function, String peer, Instant since) {
    public enum Kind { MIGRATION, BACKUP }
}
