package dev.torpor.checkpoint;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The committed snapshots of a chunk store, {@code <dir>/<key>/<seq>.json}, each written atomically and the newest
 * {@code keep} of a key kept. Not thread-safe: the store locks.
 */
final class Snapshots {
    /** Compact: a snapshot of a 200 MB image lists 51,200 chunk ids. */
    private static final ObjectWriter WRITER = DirectoryCheckpointStore.JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final int keep;

    /** Also removes the temporary files of snapshots a crash interrupted. */
    Snapshots(Path dir, int keep) throws IOException {
        if (keep < 1) throw TorporException.invalid("a chunk store must keep at least one snapshot per key, not " + keep);
        this.dir = Files.createDirectories(dir);
        this.keep = keep;
        try (Stream<Path> files = Files.walk(dir, 2)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()) Files.delete(f);
        }
    }

    ChunkStore.Snapshot add(String key, Manifest manifest, Recipe recipe) throws IOException {
        Path keyDir = Files.createDirectories(dir.resolve(requireKey(key)));
        List<Long> seqs = seqs(key);
        long seq = seqs.isEmpty() ? 1 : seqs.getLast() + 1;
        ChunkStore.Snapshot s = new ChunkStore.Snapshot(key, seq, Instant.now(), manifest, recipe);
        Durable.write(keyDir.resolve(seq + ".json"), WRITER.writeValueAsBytes(s));
        for (long old : seqs.subList(0, Math.max(0, seqs.size() + 1 - keep))) Files.delete(keyDir.resolve(old + ".json"));
        return s;
    }

    /** Removes every snapshot of the key. */
    void drop(String key) throws IOException {
        Path keyDir = dir.resolve(requireKey(key));
        for (long seq : seqs(key)) Files.delete(keyDir.resolve(seq + ".json"));
        Files.deleteIfExists(keyDir);
    }

    /** The key's snapshots, oldest first. */
    List<Long> seqs(String key) {
        Path keyDir = dir.resolve(requireKey(key));
        if (!Files.isDirectory(keyDir)) return List.of();
        try (Stream<Path> files = Files.list(keyDir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("\\d+\\.json"))
                    .map(n -> Long.parseLong(n.substring(0, n.length() - ".json".length()))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<ChunkStore.Snapshot> get(String key, long seq) {
        Path file = dir.resolve(requireKey(key)).resolve(seq + ".json");
        if (!Files.exists(file)) return Optional.empty();
        try {
            return Optional.of(DirectoryCheckpointStore.JSON.readValue(file.toFile(), ChunkStore.Snapshot.class));
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "unreadable snapshot " + file, e);
        }
    }

    /** Every snapshot of every key, one at a time: all of them together could be large. */
    void forEach(Consumer<ChunkStore.Snapshot> each) throws IOException {
        try (Stream<Path> keys = Files.list(dir)) {
            for (Path keyDir : keys.toList()) {
                String key = keyDir.getFileName().toString();
                for (long seq : seqs(key)) get(key, seq).ifPresent(each);
            }
        }
    }

    static String requireKey(String key) {
        if (!ImageFiles.isSafeName(key)) throw TorporException.invalid("not a snapshot key: " + key);
        return key;
    }
}
