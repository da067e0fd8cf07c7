package dev.torpor.checkpoint;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.criu.PostCopyImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a post-copy target needs before it can restore: the image with its lazy pages left out, as an image of its
 * own (manifest and CRC32C per file), so it travels and is checked like any other. It sits beside the full image
 * (not a numbered sequence, so never taken for one) and goes with the instance's images.
 */
public final class EagerPart {
    public record Made(CheckpointStore.Image image, PostCopyImage.Split split) {
        /** Once sent, the cut is of no more use here: the full image serves the pages. */
        public void delete() {
            Durable.deleteTree(image.dir());
        }
    }

    private EagerPart() {}

    public static Made of(CheckpointStore.Image full) {
        Path dir = full.dir().resolveSibling(full.dir().getFileName() + ".eager");
        try {
            Durable.deleteTree(dir);
            Files.createDirectory(dir);
            PostCopyImage.Split split = PostCopyImage.cut(full.dir(), dir, Set.of(Manifest.FILE_NAME));
            List<Manifest.FileEntry> files = new ArrayList<>();
            try (Stream<Path> list = Files.list(dir)) {
                for (Path f : list.sorted().toList()) {
                    files.add(new Manifest.FileEntry(f.getFileName().toString(), Files.size(f), DirectoryCheckpointStore.crc32c(f)));
                }
            }
            Manifest m = full.manifest().withFiles(files);
            Files.write(dir.resolve(Manifest.FILE_NAME), DirectoryCheckpointStore.JSON.writeValueAsBytes(m));
            return new Made(new CheckpointStore.Image(dir, m), split);
        } catch (IOException | RuntimeException e) {
            Durable.deleteTree(dir);
            throw new TorporException(ErrorKind.FAILED, "cannot cut the image of " + full.manifest().instanceId() + " for post-copy: " + e.getMessage(), e);
        }
    }
}
