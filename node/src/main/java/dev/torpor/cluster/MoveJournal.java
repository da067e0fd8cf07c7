package dev.torpor.cluster;

import java.util.List;

/**
 * Moves of instances under way, on either side, written durably before a side commits to one and ended when it is
 * settled: a node killed mid-move finds its rows when it starts again and settles each with the other node
 * ({@link PartialArrivals} as a target, {@link UnsettledDepartures} as a source), so one copy serves.
 */
public interface MoveJournal {
    enum Side { SOURCE, TARGET }

    /** Instance {@code instanceId} of {@code function} is leaving for ({@code SOURCE}) or arriving from ({@code TARGET}) {@code peer}. */
    record Move(String instanceId, String function, String peer, Side side) {}

    void begin(Move move);

    /** Quiet when there is no such row. */
    void end(String instanceId);

    List<Move> all();
}
