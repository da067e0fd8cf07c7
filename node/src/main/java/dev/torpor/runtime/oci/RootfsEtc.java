package dev.torpor.runtime.oci;

import dev.torpor.SharedFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The {@code /etc} of the function containers, in place of the host's (which holds {@code shadow}, keys and the
 * device's configuration): users and groups with the function's own, names from files and then from the host's name
 * servers, and of the host's only what programs need to run and holds no secret: the dynamic linker's cache and
 * the Debian alternatives ({@code /usr/bin/awk} is a link through {@code /etc/alternatives}), as symlinks, and the
 * configuration of Debian's JDKs ({@code /etc/java-17-openjdk}: its {@code jvm.cfg} and {@code java.security} live
 * there, linked from {@code /usr/lib/jvm}, and a JVM does not start without them), world-readable files only.
 */
final class RootfsEtc {
    private static final String USER = "function";

    private RootfsEtc() {}

    /** Writes {@code etc} (idempotent; files that change are replaced whole) from the host's {@code hostEtc}. */
    static void write(Path etc, Path hostEtc) throws IOException {
        text(etc.resolve("passwd"), """
                root:x:0:0:root:/root:/usr/sbin/nologin
                %s:x:%d:%d:Torpor function:/tmp:/usr/sbin/nologin
                nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
                """.formatted(USER, FunctionUser.UNPRIVILEGED.uid(), FunctionUser.UNPRIVILEGED.gid()));
        text(etc.resolve("group"), """
                root:x:0:
                %s:x:%d:
                nogroup:x:65534:
                """.formatted(USER, FunctionUser.UNPRIVILEGED.gid()));
        text(etc.resolve("hosts"), """
                127.0.0.1 localhost torpor
                ::1 localhost ip6-localhost ip6-loopback
                """);
        text(etc.resolve("nsswitch.conf"), """
                passwd: files
                group: files
                hosts: files dns
                """);
        text(etc.resolve("resolv.conf"), resolvConf(hostEtc));
        Path ldCache = hostEtc.resolve("ld.so.cache");
        if (Files.isRegularFile(ldCache)) SharedFiles.replace(etc.resolve("ld.so.cache"), Files.readAllBytes(ldCache), "rw-r--r--");
        mirrorLinks(hostEtc.resolve("alternatives"), Files.createDirectories(etc.resolve("alternatives")));
        try (DirectoryStream<Path> jdks = Files.newDirectoryStream(hostEtc, "java-*")) {
            for (Path jdk : jdks) {
                if (Files.isDirectory(jdk, LinkOption.NOFOLLOW_LINKS)) copyPublic(jdk, etc.resolve(jdk.getFileName()));
            }
        }
    }

    /** The tree's world-readable files and its symlinks; a file only its owner may read could be a secret. */
    private static void copyPublic(Path host, Path inside) throws IOException {
        try (Stream<Path> tree = Files.walk(host)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                Path target = inside.resolve(host.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createDirectories(target.getParent());
                    Rootfs.link(target, Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p) && Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_READ)) {
                    SharedFiles.replace(target, Files.readAllBytes(p), "rw-r--r--");
                }
            }
        }
    }

    /**
     * The host's name servers, for functions with outbound network (the others have no route to any). A server on
     * the host's loopback (systemd-resolved's 127.0.0.53, say) is out of a container's reach, so then the servers
     * it forwards to are taken from its own list instead.
     */
    static String resolvConf(Path hostEtc) throws IOException {
        String own = reachableLines(hostEtc.resolve("resolv.conf"));
        if (own.contains("nameserver")) return own;
        String upstream = reachableLines(hostEtc.resolveSibling("run").resolve("systemd/resolve/resolv.conf"));
        return upstream.contains("nameserver") ? upstream : "# The host has no name server a container can reach.\n";
    }

    /** The file's nameserver lines but those on loopback, and its search and options lines. */
    private static String reachableLines(Path resolvConf) throws IOException {
        if (!Files.isRegularFile(resolvConf)) return "";
        StringBuilder kept = new StringBuilder();
        for (String line : Files.readAllLines(resolvConf)) {
            String[] words = line.strip().split("\\s+");
            boolean loopback = words.length > 1 && (words[1].startsWith("127.") || words[1].equals("::1"));
            if (words[0].equals("nameserver") && words.length > 1 && !loopback
                    || words[0].equals("search") || words[0].equals("options")) {
                kept.append(line.strip()).append('\n');
            }
        }
        return kept.toString();
    }

    private static void text(Path file, String content) throws IOException {
        SharedFiles.replace(file, content.getBytes(StandardCharsets.UTF_8), "rw-r--r--");
    }

    /** The host directory's symlinks, and nothing else, as the same symlinks in {@code inside}. */
    private static void mirrorLinks(Path host, Path inside) throws IOException {
        Set<Path> names = new HashSet<>();
        if (Files.isDirectory(host)) {
            try (Stream<Path> entries = Files.list(host)) {
                for (Path entry : entries.filter(Files::isSymbolicLink).toList()) {
                    names.add(entry.getFileName());
                    Rootfs.link(inside.resolve(entry.getFileName()), Files.readSymbolicLink(entry));
                }
            }
        }
        try (Stream<Path> entries = Files.list(inside)) {
            for (Path stale : entries.filter(e -> !names.contains(e.getFileName())).toList()) Files.delete(stale);
        }
    }
}
