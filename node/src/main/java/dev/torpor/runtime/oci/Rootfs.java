package dev.torpor.runtime.oci;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The root filesystem every function container shares: the host's system directories, read-only, so functions use
 * the interpreters installed on the device. Top-level host directories that are symlinks (merged /usr) become the
 * same symlinks here; real ones are bind-mounted.
 */
final class Rootfs {
    private static final List<String> ALWAYS_BOUND = List.of("usr", "etc");
    private static final List<String> MAYBE_LINKED = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");
    private static final List<String> MOUNT_POINTS =
            List.of("proc", "dev", "sys", "tmp", "var/task", "run/torpor", "torpor", "root");
    static final String INIT_RESOURCE = "torpor-init";

    private final Path dir;
    private final List<Path> hostDirsToBind;

    private Rootfs(Path dir, List<Path> hostDirsToBind) {
        this.dir = dir;
        this.hostDirsToBind = hostDirsToBind;
    }

    Path dir() {
        return dir;
    }

    List<Path> hostDirsToBind() {
        return hostDirsToBind;
    }

    /** Lays out {@code dir} (idempotent) and installs the relay shipped in this jar as the containers' init. */
    static Rootfs prepare(Path dir, Path hostRoot) throws IOException {
        List<Path> binds = new ArrayList<>();
        for (String name : ALWAYS_BOUND) {
            Files.createDirectories(dir.resolve(name));
            binds.add(Path.of("/", name));
        }
        for (String name : MAYBE_LINKED) {
            Path host = hostRoot.resolve(name);
            Path inside = dir.resolve(name);
            if (Files.isSymbolicLink(host)) {
                Path target = Files.readSymbolicLink(host);
                if (!Files.isSymbolicLink(inside) || !Files.readSymbolicLink(inside).equals(target)) {
                    Files.deleteIfExists(inside);
                    Files.createSymbolicLink(inside, target);
                }
            } else if (Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(inside);
                binds.add(Path.of("/", name));
            }
        }
        for (String name : MOUNT_POINTS) Files.createDirectories(dir.resolve(name));
        installInit(dir.resolve(BundleWriter.INIT_PATH.substring(1)));
        return new Rootfs(dir, List.copyOf(binds));
    }

    private static void installInit(Path target) throws IOException {
        try (InputStream in = Rootfs.class.getResourceAsStream(INIT_RESOURCE)) {
            if (in == null) throw new IOException("the relay binary " + INIT_RESOURCE + " is missing from the build");
            byte[] bytes = in.readAllBytes();
            if (Files.exists(target) && Arrays.equals(Files.readAllBytes(target), bytes)) return;
            // Replace, never rewrite in place: a running or checkpointed container may map the old file.
            Path tmp = Files.createTempFile(target.getParent(), "init", ".tmp");
            Files.write(tmp, bytes);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
