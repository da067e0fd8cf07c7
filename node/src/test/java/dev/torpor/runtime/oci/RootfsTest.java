package dev.torpor.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
        Files.createDirectories(host.resolve("etc/alternatives"));
        Files.writeString(host.resolve("etc/shadow"), "root:$6$secret:19000:0:99999:7:::\n");
        Files.writeString(host.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\npi:x:1000:1000::/home/pi:/bin/bash\n");
        Files.writeString(host.resolve("etc/ld.so.cache"), "ld cache");
        Files.createSymbolicLink(host.resolve("etc/alternatives/awk"), Path.of("/usr/bin/mawk"));
        Files.writeString(host.resolve("etc/alternatives/README"), "not a link");
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

        assertThat(binds).containsExactly(Path.of("/usr"), Path.of("/lib32"));
        assertThat(rootfs.resolve("lib32")).isDirectory();
        assertThat(Files.isSymbolicLink(rootfs.resolve("lib32"))).isFalse();
        assertThat(rootfs.resolve("libx32")).doesNotExist();
    }

    @Test
    void mountPointsAndInitAreThere() throws Exception {
        prepare();

        for (String dir : List.of("proc", "dev", "sys", "tmp", "var/task", "var/runtime", "run/torpor", "usr", "etc")) {
            assertThat(rootfs.resolve(dir)).isDirectory();
        }
        assertThat(Files.getAttribute(rootfs.resolve("tmp"), "unix:mode")).as("/tmp is everyone's, sticky").isEqualTo(041777);
        Path init = rootfs.resolve("torpor/init");
        assertThat(init).isExecutable().hasBinaryContent(initResource());
    }

    @Test
    void aSecondPrepareChangesNothing() throws Exception {
        List<Path> first = prepare();
        Object initFile = fileKey(rootfs.resolve("torpor/init"));
        Object passwdFile = fileKey(rootfs.resolve("etc/passwd"));

        List<Path> second = prepare();

        assertThat(second).isEqualTo(first);
        assertThat(Files.readSymbolicLink(rootfs.resolve("bin"))).isEqualTo(Path.of("usr", "bin"));
        assertThat(fileKey(rootfs.resolve("torpor/init"))).as("init is not replaced when unchanged").isEqualTo(initFile);
        assertThat(fileKey(rootfs.resolve("etc/passwd"))).isEqualTo(passwdFile);
        try (var left = Files.list(rootfs.resolve("torpor"))) {
            assertThat(left).containsExactly(rootfs.resolve("torpor/init"));
        }
    }

    @Test
    void etcIsTheRootfsOwnWithTheFunctionUserAndNothingSecretOfTheHost() throws Exception {
        prepare();

        Path etc = rootfs.resolve("etc");
        assertThat(Files.isSymbolicLink(etc)).isFalse();
        assertThat(etc.resolve("shadow")).doesNotExist();
        assertThat(Files.readString(etc.resolve("passwd")))
                .contains("function:x:65532:65532:")
                .doesNotContain("pi:x:1000");
        assertThat(Files.readString(etc.resolve("group"))).contains("function:x:65532:");
        assertThat(Files.readString(etc.resolve("hosts"))).contains("127.0.0.1 localhost");
        assertThat(etc.resolve("ld.so.cache")).hasContent("ld cache");
        assertThat(Files.readSymbolicLink(etc.resolve("alternatives/awk"))).isEqualTo(Path.of("/usr/bin/mawk"));
        assertThat(etc.resolve("alternatives/README")).as("only the host's links").doesNotExist();
    }

    @Test
    void debiansJdkConfigurationIsThereWithoutWhatOnlyRootMayRead() throws Exception {
        Path jdk = Files.createDirectories(host.resolve("etc/java-17-openjdk/security"));
        Files.writeString(jdk.getParent().resolve("jvm-amd64.cfg"), "-server KNOWN\n");
        Files.writeString(jdk.resolve("java.security"), "securerandom.source=file:/dev/random\n");
        Files.createSymbolicLink(jdk.resolve("policy"), Path.of("/usr/share/policy"));
        Files.writeString(jdk.getParent().resolve("jmxremote.password"), "monitorRole secret\n");
        Files.setPosixFilePermissions(jdk.getParent().resolve("jmxremote.password"), PosixFilePermissions.fromString("rw-------"));

        prepare();

        Path inside = rootfs.resolve("etc/java-17-openjdk");
        assertThat(inside.resolve("jvm-amd64.cfg")).hasContent("-server KNOWN");
        assertThat(inside.resolve("security/java.security")).hasContent("securerandom.source=file:/dev/random");
        assertThat(Files.readSymbolicLink(inside.resolve("security/policy"))).isEqualTo(Path.of("/usr/share/policy"));
        assertThat(inside.resolve("jmxremote.password")).doesNotExist();
    }

    @Test
    void alternativesGoneFromTheHostGoFromEtc() throws Exception {
        prepare();
        Files.delete(host.resolve("etc/alternatives/awk"));
        Files.createSymbolicLink(host.resolve("etc/alternatives/editor"), Path.of("/usr/bin/nano"));

        prepare();

        try (var left = Files.list(rootfs.resolve("etc/alternatives"))) {
            assertThat(left).containsExactly(rootfs.resolve("etc/alternatives/editor"));
        }
    }

    @Test
    void aStaleSymlinkIsPointedAtTheHostsTarget() throws Exception {
        Files.createDirectories(rootfs);
        Files.createSymbolicLink(rootfs.resolve("lib64"), Path.of("elsewhere"));

        prepare();

        assertThat(Files.readSymbolicLink(rootfs.resolve("lib64"))).isEqualTo(Path.of("usr", "lib64"));
    }

    /** Runs the isolated {@code Rootfs.prepare(rootfs, host, UNPRIVILEGED)} and returns its {@code hostDirsToBind()}. */
    @SuppressWarnings("unchecked")
    private List<Path> prepare() throws Exception {
        Class<?> rootfsClass = loader.loadClass(Rootfs.class.getName());
        try {
            Class<?> userClass = loader.loadClass(FunctionUser.class.getName());
            Object user = accessible(userClass.getDeclaredField("UNPRIVILEGED")).get(null);
            Object prepared = accessible(rootfsClass.getDeclaredMethod("prepare", Path.class, Path.class, userClass))
                    .invoke(null, rootfs, host, user);
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

    private static <T extends java.lang.reflect.AccessibleObject> T accessible(T m) {
        m.setAccessible(true);
        return m;
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }
}
