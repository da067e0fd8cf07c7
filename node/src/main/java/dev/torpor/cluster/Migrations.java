package dev.torpor.cluster;

import dev.torpor.function.BackupPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.checkpoint.Compatibility;
import dev.torpor.checkpoint.FormatVersions;
import dev.torpor.checkpoint.EagerPart;
import dev.torpor.checkpoint.ImageArchive;
import dev.torpor.checkpoint.criu.PagemapEntry;
import dev.torpor.function.CodeStore;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.lifecycle.Instance;
import dev.torpor.lifecycle.InstanceManager;
import dev.torpor.lifecycle.InstanceState;
import dev.torpor.lifecycle.Deployments;
import dev.torpor.runtime.MigrationSupport;
import dev.torpor.runtime.RuntimeVersions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.io.input.BoundedInputStream;

/**
 * Moves instances to other nodes: checkpoint here, stream the image (zstd, checksummed) to the target, which
 * restores it and confirms; then the function's invocations are forwarded there. By {@link MigrationMode}: with
 * stop-and-copy the image goes whole; with post-copy only its eager part goes, the target runs at once and pulls
 * the other pages from here. The copy here is deleted only when the target has everything; anything failing
 * before leaves the instance here, restored if it was running.
 */
public final class Migrations {
    private static final System.Logger LOG = System.getLogger("torpor.migration");
    private static final Duration CALL = Duration.ofSeconds(30);
    private static final Duration TRANSFER = Duration.ofMinutes(30);
    private static final long PROGRESS_STEP = 16L << 20;
    /** While a post-copy target pulls pages: how often to check it still answers, and how many misses mean dead. */
    private static final Duration WATCH = Duration.ofSeconds(1);
    private static final int WATCH_MISSES = 3;

    private final Membership membership;
    private final PeerClient peers;
    private final InstanceManager instances;
    private final Deployments deployments;
    private final CodeStore code;
    private final Locations locations;
    private final PageServing pages;
    private final MigrationSupport support;
    private final MoveJournal journal;
    /** Functions being moved, until the target has taken over their invocations. */
    private final Map<String, Departure> moving = new ConcurrentHashMap<>();

    /** A move under way: what the dashboard shows, and the latch invocations of the function wait on. */
    private record Departure(MoveUnderWay move, CountDownLatch handedOver) {}

    public Migrations(Membership membership, PeerClient peers, InstanceManager instances, Deployments deployments,
                      CodeStore code, Locations locations, PageServing pages, MigrationSupport support, MoveJournal journal) {
        this.journal = journal;
        this.pages = pages;
        this.support = support;
        this.membership = membership;
        this.peers = peers;
        this.instances = instances;
        this.deployments = deployments;
        this.code = code;
        this.locations = locations;
    }

    public MigrationReport migrate(String instanceId, String targetId, boolean compress, Optional<MigrationMode> asked)
            throws InterruptedException {
        if (targetId.equals(membership.selfId())) throw TorporException.invalid("instance " + instanceId + " is on " + targetId + " already");
        PeerNode target = membership.require(targetId);
        Instance.Snapshot s = instances.get(instanceId);
        FunctionDefinition fn = deployments.get(s.function());
        Optional<BackupPolicy> backedUp = BackupPolicy.of(fn);
        if (backedUp.isPresent()) {
            // Its lease (owner, epoch, watched by the backup node) would have to move with it, which it does not yet:
            // moved anyway, the backup node takes it over from its last backup while the move is under way.
            throw TorporException.conflict(fn.name() + " is backed up to " + backedUp.get().peer() + " under a lease that "
                    + "does not move with it; it stays on " + membership.selfId() + " (failover protects it instead)");
        }
        RuntimeVersions v = instances.versions();
        MigrationMode mode;
        try {
            JsonNode answer = peers.call(target, "POST", "/torpor/v1/migrations/prepare",
                    new MigrationOffer(fn.name(), fn.codeSha256(), fn.memoryBytes(),
                            new Compatibility.Origin(FormatVersions.IMAGE, v.architecture(), v.criu())), CALL);
            mode = mode(asked, answer.path("postCopy").asBoolean(false), target);
            if (!answer.path("hasCode").asBoolean()) sendReplica(peers, code, target, fn);
        } catch (TorporException e) {
            throw new TorporException(e.kind(), "moving " + instanceId + " to " + targetId + " was refused before anything was frozen; it stays on "
                    + membership.selfId() + ": " + e.getMessage(), e);
        }

        Departure departure = new Departure(new MoveUnderWay(MoveUnderWay.Kind.MIGRATION, fn.name(), targetId, Instant.now()),
                new CountDownLatch(1));
        if (moving.putIfAbsent(fn.name(), departure) != null) throw TorporException.conflict(fn.name() + " is being moved already");
        Runnable handOver = () -> {
            moving.remove(fn.name(), departure);
            departure.handedOver().countDown();
        };
        try {
            return move(s, fn, target, compress, mode, handOver);
        } finally {
            handOver.run();
        }
    }

    /** Post-copy unless asked otherwise or either node lacks userfaultfd; asking for what cannot be is refused. */
    private MigrationMode mode(Optional<MigrationMode> asked, boolean targetCanPostCopy, PeerNode target) {
        if (asked.equals(Optional.of(MigrationMode.STOP_AND_COPY))) return MigrationMode.STOP_AND_COPY;
        if (support.postCopy() && targetCanPostCopy) return MigrationMode.POST_COPY;
        if (asked.isEmpty()) return MigrationMode.STOP_AND_COPY;
        String lacking = support.postCopy() ? target.id() : membership.selfId();
        throw TorporException.invalid("post-copy needs userfaultfd (criu check --feature uffd-noncoop), which node "
                + lacking + " lacks; use stop-and-copy");
    }

    private MigrationReport move(Instance.Snapshot s, FunctionDefinition fn, PeerNode target, boolean compress,
                                 MigrationMode mode, Runnable handOver) throws InterruptedException {
        boolean wasRunning = s.state().resident();
        if (!wasRunning) mode = MigrationMode.STOP_AND_COPY; // a checkpointed instance just moves its image
        long t0 = System.nanoTime();
        CheckpointStore.Image image = instances.beginMigration(s.id(), mode == MigrationMode.STOP_AND_COPY);
        long dumped = System.nanoTime();
        long imageBytes = CheckpointStore.bytesOf(image.dir());
        CheckpointStore.Image sending = image;
        EagerPart.Made eager = null;
        PageServing.Offer offer = null;
        AtomicReference<BoundedInputStream> sent = new AtomicReference<>();
        String path = "/torpor/v1/migrations/" + s.id() + "/image?function=" + fn.name() + "&from=" + membership.selfId();
        // Before the target can run it: should this node die from here on, it settles the move when it starts again
        // (UnsettledDepartures) rather than serve its own copy beside the target's.
        journal.begin(new MoveJournal.Move(s.id(), fn.name(), target.id(), MoveJournal.Side.SOURCE));
        try {
            if (mode == MigrationMode.POST_COPY) {
                eager = EagerPart.of(image);
                sending = eager.image();
                offer = pages.open(s.id(), image.dir(), compress, eager.split().lazyPages() * PagemapEntry.PAGE_SIZE);
                path += "&postCopyFrom=" + membership.selfId();
                LOG.log(System.Logger.Level.INFO, "post-copy of {0}: {1} pages go now, {2} follow (dump {3} ms, cut {4} ms)", s.id(),
                        eager.split().eagerPages(), eager.split().lazyPages(), TimeUnit.NANOSECONDS.toMillis(dumped - t0),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dumped));
            }
            CheckpointStore.Image archived = sending;
            peers.stream(target, path, Map.of("Content-Type", "application/octet-stream"), () -> {
                sent.set(counting(archive(archived, compress, s.id(), target.id())));
                return sent.get();
            }, TRANSFER);
        } catch (TorporException e) {
            pages.close(s.id());
            instances.endMigration(s.id(), false);
            if (wasRunning) restoreHere(s.id());
            journal.end(s.id());
            throw new TorporException(e.kind(), "moving " + s.id() + " to " + target.id() + " failed; it stays on "
                    + membership.selfId() + ": " + e.getMessage(), e);
        } finally {
            if (eager != null) eager.delete();
        }
        long frozen = wasRunning ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) : 0;
        locations.set(fn.name(), target.id());
        handOver.run(); // invocations here go to the target from now on
        long lazyWireBytes = offer == null ? 0 : awaitPages(s, fn, target, offer);
        instances.endMigration(s.id(), true);
        journal.end(s.id());
        MigrationReport report = new MigrationReport(s.id(), fn.name(), membership.selfId(), target.id(), mode, imageBytes,
                sent.get().getCount() + lazyWireBytes, compress, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), frozen);
        LOG.log(System.Logger.Level.INFO, "{0}", report);
        return report;
    }

    /**
     * Serves the pages the target pulls until it has all of them, asking it every second how it holds the instance.
     * If it gives up, or no longer holds it (killed and restarted: it discards a partial copy), or stops answering
     * before it could have every page, its copy is gone: the instance comes back here from the image it left with
     * (what it did on the target since is lost, and the error says so). A target silent after it could have had every
     * page may run the only copy that is whole and current: this node waits for it to say, and never runs a second.
     */
    private long awaitPages(Instance.Snapshot s, FunctionDefinition fn, PeerNode target, PageServing.Offer offer)
            throws InterruptedException {
        long deadline = System.nanoTime() + TRANSFER.toNanos();
        int silent = 0;
        try {
            while (true) {
                try {
                    offer.done.get(WATCH.toMillis(), TimeUnit.MILLISECONDS);
                    return offer.wireBytes.get();
                } catch (TimeoutException e) {
                    Optional<TargetCopy> copy = TargetCopy.ask(peers, target, s.id(), WATCH);
                    if (copy.isPresent() && copy.get().whole()) return offer.wireBytes.get(); // its word that it finished was lost
                    if (copy.isPresent() && !copy.get().held()) throw new TorporException(ErrorKind.FAILED, "node " + target.id() + " no longer holds it");
                    silent = copy.isPresent() ? 0 : silent + 1;
                    if (offer.targetMayBeWhole()) continue;
                    if (silent >= WATCH_MISSES) throw new TorporException(ErrorKind.FAILED, "node " + target.id() + " stopped answering");
                    if (System.nanoTime() > deadline) throw TorporException.timedOut("no word from " + target.id() + " in " + TRANSFER);
                }
            }
        } catch (ExecutionException | TorporException e) {
            String why = e instanceof ExecutionException ? e.getCause().getMessage() : e.getMessage();
            locations.clear(fn.name());
            instances.endMigration(s.id(), false);
            restoreHere(s.id());
            throw new TorporException(ErrorKind.FAILED, "post-copy of " + s.id() + " to " + target.id() + " failed after it ran there ("
                    + why + "); it runs on " + membership.selfId() + " again from its state at the move", e);
        } finally {
            pages.close(s.id());
        }
    }

    /** The pages of post-copies under way from here, for the targets to pull. */
    public PageServing pageServing() {
        return pages;
    }

    /** Every instance to the peer with the most free memory that will take it; a failure leaves that one here. */
    public List<Object> drain(boolean compress) throws InterruptedException {
        List<Object> results = new ArrayList<>();
        for (Instance.Snapshot s : instances.list()) {
            if (s.state() == InstanceState.FAILED || s.state().terminal()) continue;
            try {
                results.add(migrate(s.id(), roomiest(s.memoryBytes()), compress, Optional.empty()));
            } catch (TorporException e) {
                results.add(Map.of("instanceId", s.id(), "error", e.getMessage()));
            }
        }
        return results;
    }

    /** The migrations from this node under way now. */
    public List<MoveUnderWay> underWay() {
        return moving.values().stream().map(Departure::move).toList();
    }

    /** Where a function lives if not here, waiting out a move of it under way. */
    public Optional<PeerNode> whereIs(String function, Duration wait) throws InterruptedException {
        Departure m = moving.get(function);
        if (m != null && !m.handedOver().await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw TorporException.unavailable(function + " is still being moved");
        }
        return locations.nodeOf(function).filter(n -> !n.equals(membership.selfId())).flatMap(membership::peer);
    }

    private String roomiest(long memoryBytes) {
        return membership.peers().stream()
                .map(p -> Map.entry(p.id(), freeMemory(p)))
                .filter(e -> e.getValue() >= memoryBytes)
                .max(Comparator.comparingLong(Map.Entry::getValue))
                .map(Map.Entry::getKey)
                .orElseThrow(() -> TorporException.throttled("no peer has " + memoryBytes + " bytes free"));
    }

    private long freeMemory(PeerNode p) {
        try {
            JsonNode info = peers.call(p, "GET", "/torpor/v1/node", null, CALL);
            return info.path("memoryBudgetBytes").asLong() - info.path("memoryReservedBytes").asLong();
        } catch (TorporException e) {
            return -1; // unreachable peers take nothing
        }
    }

    /** Sends the function's definition and code to a node that is to hold or run an instance of it. */
    static void sendReplica(PeerClient peers, CodeStore code, PeerNode target, FunctionDefinition fn) {
        try {
            peers.call(target, "PUT", "/torpor/v1/replicas/" + fn.name(),
                    new Replica(fn, Files.readAllBytes(code.zip(fn.name(), fn.revision()))), CALL);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot read the code of " + fn.name() + " to send it", e);
        }
    }

    private void restoreHere(String id) {
        try {
            instances.restore(id);
        } catch (TorporException | InterruptedException e) {
            LOG.log(System.Logger.Level.WARNING, "{0} stays checkpointed here; it restores on its next event: {1}", id, e.getMessage());
        }
    }

    private static BoundedInputStream counting(InputStream in) {
        try {
            return BoundedInputStream.builder().setInputStream(in).get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The image as a stream, written on a thread of its own while the HTTP client sends it. */
    private static InputStream archive(CheckpointStore.Image image, boolean compress, String id, String to) {
        try {
            PipedInputStream in = new PipedInputStream(1 << 16);
            PipedOutputStream out = new PipedOutputStream(in);
            long total = image.manifest().totalBytes();
            Thread.ofVirtual().name("send-" + id).start(() -> {
                AtomicLong nextReport = new AtomicLong(PROGRESS_STEP);
                try (out) {
                    ImageArchive.write(image.dir(), out, compress, done -> {
                        if (done >= nextReport.get()) {
                            nextReport.addAndGet(PROGRESS_STEP);
                            LOG.log(System.Logger.Level.INFO, "sending {0} to {1}: {2}%", id, to, done * 100 / Math.max(1, total));
                        }
                    });
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "sending " + id + " to " + to + " stopped", e);
                }
            });
            return in;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
