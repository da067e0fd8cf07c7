package dev.torpor.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.checkpoint.ChunkSource;
import dev.torpor.checkpoint.ChunkStore;
import dev.torpor.checkpoint.ChunkWire;
import dev.torpor.checkpoint.DirectoryCheckpointStore;
import dev.torpor.checkpoint.Recipe;
import dev.torpor.function.CodeStore;
import dev.torpor.function.Launch;
import dev.torpor.function.ManagedRuntimes;
import dev.torpor.function.BackupPolicy;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.Invocation;
import dev.torpor.function.InvocationResult;
import dev.torpor.lifecycle.FakeContainerRuntime;
import dev.torpor.lifecycle.InstanceManager;
import dev.torpor.lifecycle.LifecycleObserver;
import dev.torpor.lifecycle.MemoryBudget;
import dev.torpor.lifecycle.ServingGate;
import dev.torpor.lifecycle.Deployments;
import dev.torpor.node.NodeDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * One node of a cluster test, with no containers: its database, instances on the fake runtime (whose functions count
 * their events in memory), checkpoint images, and the backups it holds for others, in packs of one chunk each so that
 * a test sees garbage leave the disk.
 */
final class FakeNode implements AutoCloseable {
    static final long PACK_BYTES = 1;
    /** The lease ttl the tests' nodes agree on. */
    static final Duration TTL = Duration.ofMillis(1500);

    final String id;
    final Path root;
    final NodeDatabase db;
    final FakeContainerRuntime runtime = new FakeContainerRuntime();
    final DirectoryCheckpointStore images;
    final InstanceManager instances;
    final BackupReceiver backups;
    /** The store under {@link #backups}, to see which chunks it holds. */
    final ChunkStore chunks;
    private final CheckpointStore staging;

    /** A node on {@code root}, taking back what an earlier one there left, as after a restart. */
    FakeNode(Path root, String id) throws InterruptedException {
        this.id = id;
        this.root = root;
        this.db = NodeDatabase.open(root.resolve("node.db"));
        this.images = new DirectoryCheckpointStore(root.resolve("images"));
        this.staging = new DirectoryCheckpointStore(root.resolve("staging"));
        this.instances = new InstanceManager(runtime, images, new MemoryBudget(1L << 30), db.instances(), new LifecycleObserver() {},
                Clock.systemUTC(), Executors.newSingleThreadScheduledExecutor(),
                new InstanceManager.Settings(root.resolve("instances"), "eu-west-1", Duration.ofSeconds(5), Duration.ofSeconds(5)),
                db.functions()::get, fn -> new Launch(root.resolve("code"), root.resolve("runtimes"), List.of("/var/task/bootstrap")));
        instances.recover();
        Deployments deployments = new Deployments(db.functions(), CodeStore.atRoot(root.resolve("code")), runtimes(root.resolve("runtimes")), instances);
        this.chunks = new ChunkStore(root.resolve("backups/chunks"), BackupReceiver.KEEP, PACK_BYTES);
        this.backups = new BackupReceiver(chunks, root.resolve("backups"), deployments, db.locations(), db.leases(), id);
    }

    /** A function of the fake runtime, backed up to {@code peer}, that is never suspended by its idle policy. */
    static FunctionDefinition function(String name, String peer) {
        return new FunctionDefinition(name, "provided.al2023", "handler", "", 128, 3, Map.of(),
                Map.of("torpor:suspend", "none", BackupPolicy.PEER_TAG, peer), FunctionDefinition.UNRESERVED, "c0de", 1, 1,
                "rev-1", Instant.now());
    }

    FunctionDefinition deploy(FunctionDefinition fn) {
        return db.functions().create(fn);
    }

    /** The function's answer: the payload and its count of events, {@code "x#3"}. */
    private static ManagedRuntimes runtimes(Path dir) {
        try {
            return ManagedRuntimes.install(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String invoke(FunctionDefinition fn, String payload) throws InterruptedException {
        InvocationResult r = instances.invoke(fn, Invocation.of(payload.getBytes(UTF_8), Duration.ofSeconds(10),
                "arn:aws:lambda:eu-west-1:000000000000:function:" + fn.name(), null), ServingGate.OPEN);
        return new String(r.payload(), UTF_8);
    }

    String instanceOf(FunctionDefinition fn) {
        return instances.list().stream().filter(s -> s.function().equals(fn.name())).findFirst().orElseThrow().id();
    }

    /** A backup sent to {@code peer} as {@link BackupScheduler} sends one, offer then missing chunks; not committed yet. */
    Upload send(FakeNode peer, FunctionDefinition fn, String instanceId) throws InterruptedException {
        CheckpointStore.Image image = instances.backup(instanceId, staging, Duration.ofSeconds(5)).orElseThrow();
        try {
            Recipe recipe = Recipe.of(image.dir());
            @SuppressWarnings("unchecked")
            List<String> missing = (List<String>) peer.backups.missing(instanceId,
                    new BackupOffer(fn.name(), fn.codeSha256(), List.copyOf(recipe.chunkIds()))).get("missing");
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            long sent = ChunkWire.writeChunks(new ChunkSource(image.dir(), recipe), missing, wire);
            peer.backups.chunks(new ByteArrayInputStream(wire.toByteArray()));
            return new Upload(new BackupCommit(id, fn, recipe, image.manifest(), sent), peer, instanceId);
        } finally {
            staging.delete(instanceId);
        }
    }

    BackupRecord backUpTo(FakeNode peer, FunctionDefinition fn, String instanceId) throws InterruptedException {
        return send(peer, fn, instanceId).commit();
    }

    record Upload(BackupCommit request, FakeNode peer, String instanceId) {
        BackupRecord commit() {
            return peer.backups.commit(instanceId, request);
        }

        Set<String> chunks() {
            return request.recipe().chunkIds();
        }
    }

    /** How many pack files the backups take on disk: with packs of one chunk, how many chunks are kept. */
    long packFiles() throws IOException {
        try (Stream<Path> packs = Files.list(root.resolve("backups/chunks/packs"))) {
            return packs.count();
        }
    }

    @Override
    public void close() {
        instances.close();
        runtime.close();
        backups.close();
        db.close();
    }
}
