package dev.torpor.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.ChunkStore;
import dev.torpor.checkpoint.ChunkWire;
import dev.torpor.lifecycle.Deployments;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The peer's side of backups: chunks go into a {@link ChunkStore}, which commits a copy only once it is whole. While
 * another node owns the function, invocations of it here are forwarded there, so holding a backup never starts a copy.
 */
public final class BackupReceiver implements AutoCloseable {
    /** Copies kept per instance: the newest is what a takeover restores, older ones are there if it proves damaged. */
    static final int KEEP = 3;
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final ChunkStore store;
    private final ChunkCollector collector;
    private final Path records;
    private final Deployments deployments;
    private final Locations locations;
    private final LeaseStore leases;
    private final String selfId;

    public BackupReceiver(Path root, Deployments deployments, Locations locations, LeaseStore leases, String selfId) {
        this(new ChunkStore(root.resolve("chunks"), KEEP), root, deployments, locations, leases, selfId);
    }

    /** Over {@code store}, which must keep {@link #KEEP} copies per instance. */
    BackupReceiver(ChunkStore store, Path root, Deployments deployments, Locations locations, LeaseStore leases, String selfId) {
        this.store = store;
        this.collector = new ChunkCollector(store, Clock.systemUTC());
        this.records = root.resolve("records");
        this.deployments = deployments;
        this.locations = locations;
        this.leases = leases;
        this.selfId = selfId;
    }

    /** Which of the offered chunks to send, and whether the code must come first. Begins an upload of the instance. */
    public Map<String, Object> missing(String instanceId, BackupOffer offer) {
        collector.uploading(instanceId);
        boolean hasCode = deployments.find(offer.function()).map(f -> f.codeSha256().equals(offer.codeSha256())).orElse(false);
        return Map.of("missing", List.copyOf(store.missing(offer.chunks())), "hasCode", hasCode);
    }

    public int chunks(InputStream body) {
        return ChunkWire.readChunks(body, store);
    }

    /** Makes the sent image this instance's newest backup; refused (nothing changes) unless every chunk is here. */
    public BackupRecord commit(String instanceId, BackupCommit c) {
        try {
            return commitUpload(instanceId, c);
        } finally {
            collector.uploaded(instanceId);
        }
    }

    private synchronized BackupRecord commitUpload(String instanceId, BackupCommit c) {
        String function = c.definition().name();
        if (!instanceId.equals(c.manifest().instanceId()) || !function.equals(c.manifest().function())) {
            throw TorporException.invalid("the manifest is of " + c.manifest().instanceId() + " (" + c.manifest().function() + ")");
        }
        boolean hasCode = deployments.find(function).map(f -> f.codeSha256().equals(c.manifest().codeSha256())).orElse(false);
        if (!hasCode) throw TorporException.conflict("send the code of " + function + " (" + c.manifest().codeSha256() + ") first");
        // A late backup from an owner this node has taken over from must not send callers back to it.
        if (leases.get(function).map(l -> l.owner().equals(selfId)).orElse(false)) {
            throw TorporException.conflict(selfId + " has taken " + function + " over; " + c.owner() + " no longer owns it");
        }
        boolean evicts = store.history(instanceId).size() >= KEEP;
        ChunkStore.Snapshot s = store.commit(instanceId, c.recipe(), c.manifest());
        if (evicts) collector.evicted();
        BackupRecord r = new BackupRecord(instanceId, function, c.owner(), s.seq(), s.committedAt(),
                c.manifest().totalBytes(), c.shippedBytes());
        write(r);
        locations.set(function, c.owner());
        return r;
    }

    public List<BackupRecord> list() {
        if (!Files.isDirectory(records)) return List.of();
        try (Stream<Path> files = Files.list(records)) {
            List<BackupRecord> out = new ArrayList<>();
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                out.add(JSON.readValue(f.toFile(), BackupRecord.class));
            }
            out.sort(Comparator.comparing(BackupRecord::instanceId));
            return out;
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot list the backups in " + records, e);
        }
    }

    /** The newest backup of any instance of {@code function}. */
    public Optional<BackupRecord> latestOf(String function) {
        return list().stream().filter(r -> r.function().equals(function)).max(Comparator.comparing(BackupRecord::committedAt));
    }

    /**
     * Drops every copy of the function's instances: another node owns it at a newer epoch than any of them, and a
     * takeover must never bring back an older state than that owner's own copies.
     */
    public synchronized void forget(String function) {
        for (BackupRecord r : list()) {
            if (!r.function().equals(function)) continue;
            try {
                Files.deleteIfExists(records.resolve(r.instanceId() + ".json")); // first: a copy without a record is never used
            } catch (IOException e) {
                throw new TorporException(ErrorKind.FAILED, "cannot forget the backup of " + r.instanceId(), e);
            }
            store.drop(r.instanceId());
        }
        collector.evicted();
    }

    /** Rebuilds the backup as a complete image directory at {@code target} (which must not exist). */
    public void materialize(BackupRecord r, Path target) {
        store.materialize(r.instanceId(), r.seq(), target);
    }

    private void write(BackupRecord r) {
        try {
            Files.createDirectories(records);
            Path tmp = records.resolve(r.instanceId() + ".tmp");
            Files.write(tmp, JSON.writeValueAsBytes(r));
            Files.move(tmp, records.resolve(r.instanceId() + ".json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot record the backup of " + r.instanceId(), e);
        }
    }

    @Override
    public void close() {
        collector.close();
        store.close();
    }
}
