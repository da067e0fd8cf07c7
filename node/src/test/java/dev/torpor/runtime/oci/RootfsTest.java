package dev.torpor.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Rootfs#prepare} on a fake host root. It installs the relay from the class path resource {@code torpor-init},
 * which only the full build (make) puts into target/classes. A stand-in under src/test/resources would come first on
 * the test class path and shadow the real binary for every test, so here Rootfs is loaded by a class loader of its
 * own that looks in target/classes first and then in a directory holding a stand-in.
 */
@Timeout(20)
class RootfsTest {
    @TempDir
    Path tmp;

    private Path host;
    private Path rootfs;
    private ClassLoader loader;

    @BeforeEach
    void mergedUsrHost() throws IOException {
        host = Files.createDirectories(tmp.resolve("host"));
        Files.createDirectories(host.resolve("usr/bin"));
        Files.createDirectories(host.resolve("lib32"));
        for (String name : List.of("bin", "sbin", "lib", "lib64")) {
            Files.createSymbolicLink(host.resolve(name), Path.of("usr", name));
        }
        rootfs = tmp.resolve("rootfs");
        loader = loaderWithStandInInit(tmp.resolve("stand-in"));
    }

    @Test
    void symlinkedHostDirectoriesBecomeTheSameSymlinks() throws Exception {
        prepare();

        for (String name : List.of("bin", "sbin", "lib", "lib64")) {
            assertThat(rootfs.resolve(name)).isSymbolicLink();
            assertThat(Files.readSymbolicLink(rootfs.resolve(name))).isEqualTo(Path.of("usr", name));
        }
    }

    @Test
    void realHostDirectoriesAreBoundAndMissingOnesLeftOut() throws Exception {
        List<Path> binds = prepare();

        assertThat(binds).containsExactly(Path.of("/usr"), Path.of("/etc"), Path.of("/lib32"));
        assertThat(rootfs.resolve("lib32")).isDirectory();
        assertThat(Files.isSymbolicLink(rootfs.resolve("lib32"))).isFalse();
        assertThat(rootfs.resolve("libx32")).doesNotExist();
    }

    @Test
    void mountPointsAndInitAreThere() throws Exception {
        prepare();

        for (String dir : List.of("proc", "dev", "sys", "tmp", "var/task", "run/torpor", "usr", "etc")) {
            assertThat(rootfs.resolve(dir)).isDirectory();
        }
        Path init = rootfs.resolve("torpor/init");
        assertThat(init).isExecutable().hasBinaryContent(initResource());
    }

    @Test
    void aSecondPrepareChangesNothing() throws Exception {
        List<Path> first = prepare();
        Object initFile = fileKey(rootfs.resolve("torpor/init"));

        List<Path> second = prepare();

        assertThat(second).isEqualTo(first);
        assertThat(Files.readSymbolicLink(rootfs.resolve("bin"))).isEqualTo(Path.of("usr", "bin"));
        assertThat(fileKey(rootfs.resolve("torpor/init"))).as("init is not replaced when unchanged").isEqualTo(initFile);
        try (var left = Files.list(rootfs.resolve("torpor"))) {
            assertThat(left).containsExactly(rootfs.resolve("torpor/init"));
        }
    }

    @Test
    void aStaleSymlinkIsPointedAtTheHostsTarget() throws Exception {
        Files.createDirectories(rootfs);
        Files.createSymbolicLink(rootfs.resolve("lib64"), Path.of("elsewhere"));

        prepare();

        assertThat(Files.readSymbolicLink(rootfs.resolve("lib64"))).isEqualTo(Path.of("usr", "lib64"));
    }

    /** Runs the isolated {@code Rootfs.prepare(rootfs, host)} and returns its {@code hostDirsToBind()}. */
    @SuppressWarnings("unchecked")
    private List<Path> prepare() throws Exception {
        Class<?> rootfsClass = loader.loadClass(Rootfs.class.getName());
        try {
            Object prepared = accessible(rootfsClass.getDeclaredMethod("prepare", Path.class, Path.class)).invoke(null, rootfs, host);
            return (List<Path>) accessible(rootfsClass.getDeclaredMethod("hostDirsToBind")).invoke(prepared);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    private byte[] initResource() throws IOException {
        try (InputStream in = loader.getResourceAsStream("dev/torpor/runtime/oci/" + Rootfs.INIT_RESOURCE)) {
            return in.readAllBytes();
        }
    }

    private static ClassLoader loaderWithStandInInit(Path standInDir) throws IOException {
        Path standIn = standInDir.resolve("dev/torpor/runtime/oci/" + Rootfs.INIT_RESOURCE);
        Files.createDirectories(standIn.getParent());
        Files.write(standIn, "#!/bin/sh\n# stand-in for torpor-init\n".getBytes(StandardCharsets.UTF_8));
        URL classes = Rootfs.class.getProtectionDomain().getCodeSource().getLocation();
        return new URLClassLoader(new URL[] {classes, standInDir.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    private static Method accessible(Method m) {
        m.setAccessible(true);
        return m;
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }
}
