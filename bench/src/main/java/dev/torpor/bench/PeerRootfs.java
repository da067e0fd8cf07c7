package dev.torpor.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * The peers' root filesystem, made offline from this machine's own Python: the interpreter, its standard library
 * and the shared libraries they load, plus the benchmark's server. Torpor's containers see the same files (the
 * host's /usr, read-only), so every system runs the same bytes. Raw runc uses the directory; Docker and Podman
 * import the tarball, which is built reproducibly so its hash names the image.
 */
final class PeerRootfs {
    static final String SERVER = "/srv/server.py";

    final Path dir;
    final Path tarball;
    final String tag;

    private PeerRootfs(Path dir, Path tarball, String tag) {
        this.dir = dir;
        this.tarball = tarball;
        this.tag = tag;
    }

    String image() {
        return "torpor-bench-python:" + tag;
    }

    static PeerRootfs build(Path work) throws IOException {
        Path dir = work.resolve("rootfs");
        Path tar = work.resolve("rootfs.tar");
        Path keyFile = work.resolve("rootfs.key");
        String python = Sh.out(List.of("readlink", "-f", "/usr/bin/python3"));          // /usr/bin/python3.11
        String version = Path.of(python).getFileName().toString();                         // python3.11
        Path stdlib = Path.of("/usr/lib", version);
        // The same inputs make the same tarball: reuse the last one (its hash names the image) when nothing changed.
        String key = RECIPE + " " + python + " " + Files.getLastModifiedTime(Path.of(python)) + " "
                + Files.getLastModifiedTime(stdlib) + " " + sha256(resource("server.py"));
        if (Files.exists(tar) && Files.isDirectory(dir) && Files.exists(keyFile) && Files.readString(keyFile).equals(key)) {
            return new PeerRootfs(dir, tar, Files.readString(work.resolve("rootfs.tag")).strip());
        }
        Files.deleteIfExists(keyFile);
        Sh.ok(List.of("rm", "-rf", dir.toString()));
        for (String d : List.of("usr/bin", "usr/lib/x86_64-linux-gnu", "usr/lib64", "etc", "srv", "tmp", "proc", "dev", "sys", "root")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.copy(Path.of(python), dir.resolve("usr/bin").resolve(version), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createSymbolicLink(dir.resolve("usr/bin/python3"), Path.of(version));
        Sh.ok(List.of("sh", "-c", "tar -C /usr/lib --exclude=" + version + "/test --exclude=" + version + "/idlelib --exclude="
                + version + "/tkinter --exclude=" + version + "/lib2to3 -cf - " + version + " | tar -C " + dir.resolve("usr/lib") + " -xf -"));

        // Every shared library the interpreter and its extension modules load, copied under its own name.
        TreeSet<String> libs = new TreeSet<>();
        List<String> objects = new java.util.ArrayList<>(List.of(python));
        try (var s = Files.list(stdlib.resolve("lib-dynload"))) {
            s.filter(p -> p.toString().endsWith(".so")).forEach(p -> objects.add(p.toString()));
        }
        for (String o : objects) {
            for (String line : Sh.out(List.of("ldd", o)).lines().toList()) {
                String[] f = line.strip().split("\\s+");
                if (f.length >= 3 && f[1].equals("=>") && f[2].startsWith("/")) libs.add(f[2]);
            }
        }
        for (String lib : libs) {
            Path target = dir.resolve("usr/lib/x86_64-linux-gnu").resolve(Path.of(lib).getFileName());
            Files.copy(Path.of(lib).toRealPath(), target, StandardCopyOption.REPLACE_EXISTING);
        }
        String ld = archLoader();
        Files.copy(Path.of(ld).toRealPath(), dir.resolve(ld.substring(1)), StandardCopyOption.REPLACE_EXISTING);
        for (String link : List.of("bin", "lib", "lib64")) {
            Files.createSymbolicLink(dir.resolve(link), Path.of("usr/" + link));
        }
        Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(dir.resolve("etc/group"), "root:x:0:\n");
        Files.write(dir.resolve(SERVER.substring(1)), resource("server.py"));

        Sh.ok(List.of("tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-C", dir.toString(),
                "-cf", tar.toString(), "."));
        String tag;
        try (InputStream in = Files.newInputStream(tar)) {
            tag = sha256(in.readAllBytes()).substring(0, 12);
        }
        Files.writeString(work.resolve("rootfs.tag"), tag);
        Files.writeString(keyFile, key);
        return new PeerRootfs(dir, tar, tag);
    }

    /** Bump when the way the root filesystem is made changes. */
    private static final String RECIPE = "rootfs-1";

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PeerRootfs.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static String archLoader() {
        String ld = "/lib64/ld-linux-x86-64.so.2";
        if (!Files.exists(Path.of(ld), LinkOption.NOFOLLOW_LINKS)) {
            throw new BenchException("the benchmark's root filesystem is built for x86-64; " + ld + " is missing");
        }
        return "/usr" + ld;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
