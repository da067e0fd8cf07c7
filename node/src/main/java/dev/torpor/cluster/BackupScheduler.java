package dev.torpor.cluster;

import dev.torpor.function.BackupPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.checkpoint.ChunkSource;
import dev.torpor.checkpoint.ChunkWire;
import dev.torpor.checkpoint.Recipe;
import dev.torpor.function.CodeStore;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.FunctionRegistry;
import dev.torpor.lifecycle.Instance;
import dev.torpor.lifecycle.InstanceManager;
import dev.torpor.lifecycle.InstanceState;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The owner's side of backups: every function with a {@link BackupPolicy} that this node owns has its instances copied
 * to its peer (the tagged backup node; after a takeover, the old owner) once per interval. A copy is a leave-running
 * dump of an idle instance (or a checkpointed one's image), cut into chunks; only the chunks the peer lacks travel,
 * then the peer commits the copy whole.
 */
public final class BackupScheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("torpor.backup");
    private static final Duration TICK = Duration.ofMillis(100);
    private static final Duration CALL = Duration.ofSeconds(30);
    private static final Duration TRANSFER = Duration.ofMinutes(30);

    private final Membership membership;
    private final Function<String, Optional<PeerNode>> targets;
    private final PeerClient peers;
    private final InstanceManager instances;
    private final FunctionRegistry functions;
    private final CodeStore code;
    private final CheckpointStore staging;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    /** Per function: when its next round is due; a round still running is not started again. */
    private final Map<String, Instant> due = new ConcurrentHashMap<>();
    /** Per function: its round running now, which the dashboard shows. */
    private final Map<String, MoveUnderWay> running = new ConcurrentHashMap<>();
    /** Per instance: when the image last shipped was made, so an unchanged checkpointed image is not sent again. */
    private final Map<String, Instant> shipped = new ConcurrentHashMap<>();

    /** {@code targets} says where each function's copies go now, if anywhere: see {@link Failover#backupTarget}. */
    public BackupScheduler(Membership membership, Function<String, Optional<PeerNode>> targets, PeerClient peers,
                           InstanceManager instances, FunctionRegistry functions, CodeStore code, CheckpointStore staging,
                           ScheduledExecutorService timer, Clock clock) {
        this.membership = membership;
        this.targets = targets;
        this.peers = peers;
        this.instances = instances;
        this.functions = functions;
        this.code = code;
        this.staging = staging;
        this.timer = timer;
        this.clock = clock;
    }

    public void start() {
        for (Instance.Snapshot s : instances.list()) staging.delete(s.id()); // copies a previous run left half-shipped
        timer.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        Instant now = clock.instant();
        for (FunctionDefinition fn : functions.list()) {
            Optional<BackupPolicy> policy = BackupPolicy.of(fn);
            Optional<PeerNode> target = policy.isEmpty() ? Optional.empty() : targets.apply(fn.name());
            if (target.isEmpty() || now.isBefore(due.getOrDefault(fn.name(), Instant.MIN))) continue;
            MoveUnderWay round = new MoveUnderWay(MoveUnderWay.Kind.BACKUP, fn.name(), target.get().id(), now);
            if (running.putIfAbsent(fn.name(), round) != null) continue;
            due.put(fn.name(), now.plus(policy.get().interval()));
            Thread.ofVirtual().name("backup-" + fn.name()).start(() -> {
                try {
                    round(fn, target.get(), policy.get().interval());
                } finally {
                    running.remove(fn.name());
                }
            });
        }
    }

    /**
     * Backs up every instance of the function now; what fails is logged and tried again next interval. An instance
     * that is serving is copied between two invocations: the copy waits up to one interval for that moment.
     */
    private void round(FunctionDefinition fn, PeerNode peer, Duration interval) {
        for (Instance.Snapshot s : instances.list()) {
            if (!s.function().equals(fn.name()) || s.state() == InstanceState.FAILED || s.state().terminal()) continue;
            try {
                backup(s.id(), fn, peer, interval);
            } catch (TorporException | UncheckedIOException e) {
                LOG.log(System.Logger.Level.WARNING, "backup of {0} to {1} failed: {2}", s.id(), peer.id(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    private void backup(String id, FunctionDefinition fn, PeerNode peer, Duration wait) throws InterruptedException {
        long t0 = System.nanoTime();
        Optional<CheckpointStore.Image> taken = instances.backup(id, staging, wait);
        if (taken.isEmpty()) return;
        CheckpointStore.Image image = taken.get();
        try {
            if (image.manifest().createdAt().equals(shipped.get(id))) return;
            Recipe recipe = Recipe.of(image.dir());
            JsonNode answer = peers.call(peer, "POST", "/torpor/v1/backups/" + id + "/missing",
                    new BackupOffer(fn.name(), fn.codeSha256(), List.copyOf(recipe.chunkIds())), CALL);
            if (!answer.path("hasCode").asBoolean()) Migrations.sendReplica(peers, code, peer, fn);
            List<String> missing = new ArrayList<>();
            answer.path("missing").forEach(n -> missing.add(n.asText()));
            long sent = missing.isEmpty() ? 0 : send(peer, id, new ChunkSource(image.dir(), recipe), missing);
            peers.call(peer, "POST", "/torpor/v1/backups/" + id,
                    new BackupCommit(membership.selfId(), fn, recipe, image.manifest(), sent), CALL);
            shipped.put(id, image.manifest().createdAt());
            BackupReport r = new BackupReport(id, peer.id(), image.manifest().totalBytes(), sent,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            LOG.log(System.Logger.Level.INFO, "backed up {0} to {1}: image {2} bytes, shipped {3} bytes ({4}%) in {5} ms",
                    id, peer.id(), r.imageBytes(), r.shippedBytes(), String.format("%.1f", r.shippedPercent()), r.millis());
        } finally {
            staging.delete(id); // the peer has it now, or the next round takes a fresh copy
        }
    }

    /** Streams the chunks as they are read, never holding the image in memory; returns the bytes put on the wire. */
    private long send(PeerNode peer, String id, ChunkSource src, List<String> ids) {
        AtomicLong written = new AtomicLong();
        AtomicReference<Thread> writer = new AtomicReference<>();
        peers.stream(peer, "/torpor/v1/backups/" + id + "/chunks", Map.of("Content-Type", "application/octet-stream"), () -> {
            try {
                PipedInputStream in = new PipedInputStream(1 << 16);
                PipedOutputStream out = new PipedOutputStream(in);
                writer.set(Thread.ofVirtual().name("chunks-" + id).start(() -> {
                    try (out) {
                        written.set(ChunkWire.writeChunks(src, ids, out));
                    } catch (IOException | RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "sending chunks of " + id + " to " + peer.id() + " stopped", e);
                    }
                }));
                return (InputStream) in;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, TRANSFER);
        try {
            writer.get().join(); // the peer answered once it read the last chunk; the count is set just after
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return written.get();
    }

    /** The backup rounds running now, one per function. */
    public List<MoveUnderWay> underWay() {
        return List.copyOf(running.values());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
