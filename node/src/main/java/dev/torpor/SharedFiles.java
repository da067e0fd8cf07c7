package dev.torpor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/** Files the node lays out for its containers, which running and checkpointed containers may have open. */
public final class SharedFiles {
    private SharedFiles() {}

    /**
     * Puts {@code bytes} at {@code target} unless it holds them already. Replaced, never rewritten in place: a running
     * or checkpointed container may have the old file open or mapped (and CRIU checks a mapped file's size on restore).
     */
    public static void replace(Path target, byte[] bytes, String permissions) throws IOException {
        Files.createDirectories(target.getParent());
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Arrays.equals(Files.readAllBytes(target), bytes)) return;
        Path tmp = Files.createTempFile(target.getParent(), "new", ".tmp");
        Files.write(tmp, bytes);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(permissions));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
