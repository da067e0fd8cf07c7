package dev.torpor.cluster;

import dev.torpor.lifecycle.InstanceManager;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a node restarted in the middle of moving an instance away does about it. Its own records cannot say whether
 * the target took over (it may have every page by now, or have dropped a partial copy), so until the target says,
 * the function's invocations go there and the copy here is not run; then the target's word settles it: whole there,
 * the copy here goes; not there, the instance runs here again from the image this node kept, and what it did on the
 * target meanwhile is lost (logged). A target that cannot be reached is asked again every few seconds.
 */
public final class UnsettledDepartures implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("torpor.migration");
    private static final Duration RETRY = Duration.ofSeconds(2);
    private static final Duration CALL = Duration.ofSeconds(10);

    private final MoveJournal journal;
    private final Locations locations;
    private final Membership membership;
    private final PeerClient peers;
    private final InstanceManager instances;
    private final ScheduledExecutorService timer;

    public UnsettledDepartures(MoveJournal journal, Locations locations, Membership membership, PeerClient peers,
                               InstanceManager instances, ScheduledExecutorService timer) {
        this.journal = journal;
        this.locations = locations;
        this.membership = membership;
        this.peers = peers;
        this.instances = instances;
        this.timer = timer;
    }

    /** Points each unsettled move's function at its target now (before the API serves), then settles them in the background. */
    public void start() {
        List<MoveJournal.Move> departures = departures();
        for (MoveJournal.Move m : departures) {
            LOG.log(System.Logger.Level.WARNING, "{0} was leaving for {1} when this node stopped: {2} is not served here until "
                    + "{1} says whether it holds it", m.instanceId(), m.peer(), m.function());
            locations.set(m.function(), m.peer());
        }
        if (!departures.isEmpty()) timer.scheduleWithFixedDelay(this::settleAll, 0, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private List<MoveJournal.Move> departures() {
        return journal.all().stream().filter(m -> m.side() == MoveJournal.Side.SOURCE).toList();
    }

    private void settleAll() {
        List<MoveJournal.Move> departures = departures();
        if (departures.isEmpty()) {
            timer.shutdown();
            return;
        }
        for (MoveJournal.Move m : departures) {
            try {
                settle(m);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot settle the move of " + m.instanceId() + " yet", e);
            }
        }
    }

    private void settle(MoveJournal.Move m) {
        Optional<PeerNode> target = membership.peer(m.peer());
        if (target.isEmpty()) return; // a node this one no longer knows: an operator's to sort out, said at start
        Optional<TargetCopy> copy = TargetCopy.ask(peers, target.get(), m.instanceId(), CALL);
        if (copy.isEmpty() || (copy.get().held() && copy.get().arriving())) return; // ask again
        boolean here = instances.list().stream().anyMatch(s -> s.id().equals(m.instanceId()));
        if (copy.get().whole()) {
            if (here) instances.discard(m.instanceId());
            LOG.log(System.Logger.Level.INFO, "{0} had moved to {1} whole: the copy here is dropped", m.instanceId(), m.peer());
        } else if (here) {
            locations.clear(m.function());
            LOG.log(System.Logger.Level.WARNING, "the move of {0} to {1} was cut off and {1} holds no copy: it runs here again "
                    + "from its state when it left; what it did on {1} since is lost", m.instanceId(), m.peer());
        } else {
            locations.clear(m.function());
            LOG.log(System.Logger.Level.ERROR, "{0} is lost: {1} holds no copy of it and this node kept none", m.instanceId(), m.peer());
        }
        journal.end(m.instanceId());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
