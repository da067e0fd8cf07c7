package dev.torpor.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Images as {@code root/<instance>/<sequence>/}, the newest complete one kept; damaged ones moved to
 * {@code root/quarantine/<instance>-<time>/}.
 */
public final class DirectoryCheckpointStore implements CheckpointStore {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    static final String QUARANTINE = "quarantine";
    private static final DateTimeFormatter QUARANTINED_AT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path root;
    /** Commits under way, by instance id. */
    private final Map<String, Committing> committing = new ConcurrentHashMap<>();

    private record Committing(Image image, CompletableFuture<Manifest> done) {}

    public DirectoryCheckpointStore(Path root) {
        this.root = root;
    }

    @Override
    public Path begin(String instanceId) {
        try {
            return Files.createDirectory(nextDir(instanceId));
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot make a checkpoint directory for " + instanceId, e);
        }
    }

    @Override
    public Path nextDir(String instanceId) {
        try {
            Path dir = Files.createDirectories(root.resolve(instanceId));
            long next = sequences(dir).stream().mapToLong(Long::longValue).max().orElse(0) + 1;
            return dir.resolve(Long.toString(next));
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot make the checkpoint directory of " + instanceId, e);
        }
    }

    @Override
    public Manifest commit(Path dir, Manifest m) {
        try {
            List<Manifest.FileEntry> files = new ArrayList<>();
            try (Stream<Path> list = Files.list(dir)) {
                for (Path f : list.filter(Files::isRegularFile).sorted().toList()) {
                    Files.setPosixFilePermissions(f, PRIVATE); // CRIU's modes: the image holds the function's memory
                    files.add(new Manifest.FileEntry(f.getFileName().toString(), Files.size(f), crc32cAndSync(f)));
                }
            }
            Manifest complete = m.withFiles(files);
            Durable.write(dir.resolve(Manifest.FILE_NAME), JSON.writeValueAsBytes(complete));
            dropOlder(dir);
            return complete;
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot complete the checkpoint image in " + dir, e);
        }
    }

    /**
     * Checksumming and fsyncing a 34 MB image took 100-240 ms, after CRIU had already freed the function's memory:
     * the node need not hold the instance in CHECKPOINTING for that. Readers of the image wait instead.
     */
    @Override
    public CompletableFuture<Manifest> commitLater(Path dir, Manifest withoutFiles) {
        String instanceId = dir.getParent().getFileName().toString();
        Committing c = new Committing(new Image(dir, withoutFiles), new CompletableFuture<>());
        committing.put(instanceId, c);
        Thread.ofVirtual().name("commit-" + instanceId).start(() -> {
            try {
                c.done().complete(commit(dir, withoutFiles));
            } catch (Throwable e) {
                c.done().completeExceptionally(e);
            } finally {
                committing.remove(instanceId, c);
            }
        });
        return c.done();
    }

    @Override
    public Optional<Image> newest(String instanceId) {
        Committing c = committing.get(instanceId);
        return c != null ? Optional.of(c.image()) : latest(instanceId);
    }

    @Override
    public void awaitCommits() {
        for (Committing c : List.copyOf(committing.values())) awaitQuietly(c.done());
    }

    private void awaitCommit(String instanceId) {
        Committing c = committing.get(instanceId);
        if (c != null) awaitQuietly(c.done());
    }

    private static void awaitQuietly(CompletableFuture<Manifest> f) {
        try {
            f.join();
        } catch (CompletionException | CancellationException e) {
            // the committer reports its own failure; the image is then simply not complete
        }
    }

    @Override
    public void discard(Path dir) {
        Durable.deleteTree(dir);
    }

    /**
     * Unlinking a restored image's files takes ~150 ms for 34 MB on a small device's disk, and the restored
     * function's first answer waits for nothing of it: the manifest goes now, the rest on a background thread.
     */
    @Override
    public void retire(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(Manifest.FILE_NAME));
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot retire the checkpoint image in " + dir, e);
        }
        Thread.ofVirtual().name("retire-" + dir.getParent().getFileName()).start(() -> {
            try {
                Durable.deleteTree(dir);
            } catch (UncheckedIOException e) {
                // gone already (a newer image's commit drops older ones), or left for sweepIncomplete
            }
        });
    }

    @Override
    public Optional<Image> latest(String instanceId) {
        awaitCommit(instanceId);
        Path dir = root.resolve(instanceId);
        return sequences(dir).stream().sorted(Comparator.reverseOrder())
                .map(seq -> dir.resolve(Long.toString(seq)))
                .filter(d -> Files.exists(d.resolve(Manifest.FILE_NAME)))
                .findFirst()
                .map(d -> new Image(d, read(d)));
    }

    @Override
    public void delete(String instanceId) {
        awaitCommit(instanceId);
        Durable.deleteTree(root.resolve(instanceId));
    }

    @Override
    public Path quarantine(String instanceId) {
        awaitCommit(instanceId);
        Path to = root.resolve(QUARANTINE).resolve(instanceId + "-" + QUARANTINED_AT.format(Instant.now()));
        try {
            Files.createDirectories(to.getParent());
            Files.move(root.resolve(instanceId), to, StandardCopyOption.ATOMIC_MOVE);
            return to;
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot move the images of " + instanceId + " into quarantine", e);
        }
    }

    @Override
    public Optional<Path> unfinished(String instanceId) {
        Path dir = root.resolve(instanceId);
        return sequences(dir).stream().max(Comparator.naturalOrder())
                .map(seq -> dir.resolve(Long.toString(seq)))
                .filter(d -> !Files.exists(d.resolve(Manifest.FILE_NAME)));
    }

    @Override
    public void sweepIncomplete() {
        if (!Files.isDirectory(root)) return;
        try (Stream<Path> instances = Files.list(root)) {
            for (Path inst : instances.toList()) {
                if (inst.getFileName().toString().equals(QUARANTINE)) continue;
                for (long seq : sequences(inst)) {
                    Path d = inst.resolve(Long.toString(seq));
                    if (!Files.exists(d.resolve(Manifest.FILE_NAME))) Durable.deleteTree(d);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Manifest read(Path imageDir) {
        byte[] json;
        try {
            json = Files.readAllBytes(imageDir.resolve(Manifest.FILE_NAME));
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot read the manifest in " + imageDir, e);
        }
        try {
            return Manifest.decode(json);
        } catch (TorporException e) {
            throw new TorporException(e.kind(), e.getMessage() + " (in " + imageDir + ")", e);
        }
    }

    private void dropOlder(Path kept) {
        Path dir = kept.getParent();
        long keptSeq = Long.parseLong(kept.getFileName().toString());
        for (long seq : sequences(dir)) {
            if (seq == keptSeq) continue;
            Path older = dir.resolve(Long.toString(seq));
            try {
                Durable.deleteTree(older);
            } catch (UncheckedIOException e) {
                if (Files.exists(older)) throw e; // else a retire() running beside us removed it first
            }
        }
    }

    private static List<Long> sequences(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+")).map(Long::parseLong).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long crc32cAndSync(Path file) throws IOException {
        long crc = crc32c(file);
        Durable.sync(file);
        return crc;
    }

    static long crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) crc.update(buf, 0, n);
        }
        return crc.getValue();
    }
}
