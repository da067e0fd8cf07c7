package dev.torpor.runtime.oci;

import dev.torpor.SharedFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The root filesystem every function container shares: the host's system directories, read-only, so functions use
 * the interpreters installed on the device. Top-level host directories that are symlinks (merged /usr) become the
 * same symlinks here; real ones are bind-mounted. The host's {@code /etc} is not: it holds the device's secrets.
 * The rootfs has an {@code /etc} of its own instead ({@link RootfsEtc}), with the function's unprivileged user.
 */
final class Rootfs {
    private static final List<String> ALWAYS_BOUND = List.of("usr");
    private static final List<String> MAYBE_LINKED = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");
    private static final List<String> MOUNT_POINTS =
            List.of("proc", "dev", "sys", "tmp", "var/task", "var/runtime", "run/torpor", "torpor", "root");
    static final String INIT_RESOURCE = "torpor-init";
    private static final int STICKY_WORLD_WRITABLE = 01777;

    private final Path dir;
    private final List<Path> hostDirsToBind;
    private final FunctionUser user;

    private Rootfs(Path dir, List<Path> hostDirsToBind, FunctionUser user) {
        this.dir = dir;
        this.hostDirsToBind = hostDirsToBind;
        this.user = user;
    }

    Path dir() {
        return dir;
    }

    List<Path> hostDirsToBind() {
        return hostDirsToBind;
    }

    /** Who the containers on this rootfs run as. */
    FunctionUser user() {
        return user;
    }

    /** Lays out {@code dir} (idempotent) and installs the relay shipped in this jar as the containers' init. */
    static Rootfs prepare(Path dir, Path hostRoot, FunctionUser user) throws IOException {
        List<Path> binds = new ArrayList<>();
        for (String name : ALWAYS_BOUND) {
            Files.createDirectories(dir.resolve(name));
            binds.add(Path.of("/", name));
        }
        for (String name : MAYBE_LINKED) {
            Path host = hostRoot.resolve(name);
            Path inside = dir.resolve(name);
            if (Files.isSymbolicLink(host)) {
                link(inside, Files.readSymbolicLink(host));
            } else if (Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(inside);
                binds.add(Path.of("/", name));
            }
        }
        for (String name : MOUNT_POINTS) Files.createDirectories(dir.resolve(name));
        // runc gives a tmpfs the mode of the directory it covers, whatever the mount options say.
        Files.setAttribute(dir.resolve("tmp"), "unix:mode", STICKY_WORLD_WRITABLE);
        RootfsEtc.write(dir.resolve("etc"), hostRoot.resolve("etc"));
        installInit(dir.resolve(BundleWriter.INIT_PATH.substring(1)));
        return new Rootfs(dir, List.copyOf(binds), user);
    }

    private static void installInit(Path target) throws IOException {
        try (InputStream in = Rootfs.class.getResourceAsStream(INIT_RESOURCE)) {
            if (in == null) throw new IOException("the relay binary " + INIT_RESOURCE + " is missing from the build");
            SharedFiles.replace(target, in.readAllBytes(), "rwxr-xr-x");
        }
    }

    /** Makes {@code inside} a symlink to {@code target} unless it is one already. */
    static void link(Path inside, Path target) throws IOException {
        if (Files.isSymbolicLink(inside) && Files.readSymbolicLink(inside).equals(target)) return;
        Files.deleteIfExists(inside);
        Files.createSymbolicLink(inside, target);
    }
}
