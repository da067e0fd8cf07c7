package dev.torpor.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Image directories made the way a node makes them: files written, then committed by the checkpoint store. */
final class TestImages {
    static final int PAGE = 4096;

    private TestImages() {}

    /** A committed image of {@code pages} pages, page {@code i} filled by {@code page(i)} (null for a zero page). */
    static CheckpointStore.Image image(Path root, String instance, int pages, PageContent page) throws IOException {
        DirectoryCheckpointStore store = new DirectoryCheckpointStore(root);
        Path dir = store.begin(instance);
        try (FileChannel ch = FileChannel.open(dir.resolve("pages-1.img"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int i = 0; i < pages; i++) {
                byte[] data = page.of(i);
                // Zero pages are left as holes, so a 200 MB image costs little disk in a test.
                if (data != null) ch.write(ByteBuffer.wrap(data), (long) i * PAGE);
            }
            ch.truncate((long) pages * PAGE);
            if (ch.size() < (long) pages * PAGE) ch.write(ByteBuffer.allocate(1), (long) pages * PAGE - 1);
        }
        Random r = new Random(instance.hashCode());
        for (String small : List.of("core-1.img", "mm-1.img", "pagemap-1.img", "inventory.img")) {
            byte[] data = new byte[100 + r.nextInt(3000)];
            r.nextBytes(data);
            Files.write(dir.resolve(small), data);
        }
        Files.write(dir.resolve("stats-dump"), new byte[0]);
        return new CheckpointStore.Image(dir, store.commit(dir, ManifestTest.manifest(List.of())));
    }

    /** Pages of seeded random bytes: distinct per (seed, index), equal for equal arguments. */
    static byte[] randomPage(long seed, int index) {
        byte[] data = new byte[PAGE];
        new Random(seed * 1_000_003L + index).nextBytes(data);
        return data;
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    interface PageContent {
        byte[] of(int index);
    }
}
