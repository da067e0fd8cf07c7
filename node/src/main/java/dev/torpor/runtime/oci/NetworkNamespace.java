package dev.torpor.runtime.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The network namespaces a node makes for its containers, with loopback up. runc treats a namespace it did not
 * create as external: it neither dumps nor restores its contents, so the node makes one again before a restore.
 * Names carry the node's scope, so two nodes on one host (a migration's source and target) never share one.
 *
 * <p>Making one forks {@code ip} twice (~10-20 ms), on the path of every start and restore, and dropping one forks
 * it again after every checkpoint. So one spare namespace is kept made in advance: a container takes it and the
 * next is made in the background; names are never reused (a serial number, recorded per container in
 * {@code names/<container id>}), so a namespace is dropped in the background too, off the checkpoint's path.
 */
final class NetworkNamespace {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Path NETNS_DIR = Path.of("/var/run/netns");
    private static final Duration SPARE_DELAY = Duration.ofSeconds(1);

    private final String scope;
    private final Path names;
    private final AtomicLong serial = new AtomicLong(System.currentTimeMillis());
    private final AtomicReference<String> spare = new AtomicReference<>();
    private final AtomicBoolean preparing = new AtomicBoolean();
    private volatile boolean closed;

    /** {@code names}: where the node records which namespace each container uses (kept across restarts). */
    NetworkNamespace(String scope, Path names) {
        this.scope = scope;
        this.names = names;
        Thread.ofVirtual().name("netns-sweep").start(this::dropUnused);
    }

    /** The name an earlier version gave a container's namespace; still removed for containers it made. */
    String name(String containerId) {
        return "torpor-" + scope + "-" + containerId;
    }

    /** A namespace with loopback up for the container (the spare if one is ready), first dropping an earlier one. */
    Path create(String containerId) {
        remove(containerId);
        String name = spare.getAndSet(null);
        if (name == null) name = make();
        try {
            Files.createDirectories(names);
            Files.writeString(names.resolve(containerId), name);
        } catch (IOException e) {
            drop(name);
            throw new UncheckedIOException(e);
        }
        prepareSpare(SPARE_DELAY); // not beside the runc restore or run that follows: both want the CPU
        return NETNS_DIR.resolve(name);
    }

    /** The container's namespace; null when it has none. */
    Path pathOf(String containerId) {
        Path record = names.resolve(containerId);
        try {
            return Files.exists(record) ? NETNS_DIR.resolve(Files.readString(record).strip()) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops the container's namespace now. */
    void remove(String containerId) {
        String name = forget(containerId);
        if (name != null) drop(name);
    }

    /** Drops the container's namespace in the background: its name is never used again, so nothing waits for it. */
    void removeLater(String containerId) {
        String name = forget(containerId);
        if (name != null) Thread.ofVirtual().name("netns-drop").start(() -> drop(name));
        prepareSpare(Duration.ZERO);
    }

    private String forget(String containerId) {
        Path record = names.resolve(containerId);
        try {
            String name = Files.exists(record) ? Files.readString(record).strip() : name(containerId);
            Files.deleteIfExists(record);
            return Files.exists(NETNS_DIR.resolve(name)) ? name : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops the spare; none is made after this (a node's namespaces must not outlive it, its containers' aside). */
    void close() {
        closed = true;
        String name = spare.getAndSet(null);
        if (name != null) drop(name);
    }

    private void prepareSpare(Duration after) {
        if (closed || spare.get() != null || !preparing.compareAndSet(false, true)) return;
        Thread.ofVirtual().name("netns-spare").start(() -> {
            try {
                Thread.sleep(after);
                if (closed) return;
                String made = make();
                if (!spare.compareAndSet(null, made)) drop(made);
                if (closed) close(); // closed while it was being made
            } catch (RuntimeException | InterruptedException e) {
                // no spare this time: the next container makes its own
            } finally {
                preparing.set(false);
            }
        });
    }

    private String make() {
        String name = "torpor-" + scope + "-n" + serial.incrementAndGet();
        ProcessRunner.run(List.of("ip", "netns", "add", name), TIMEOUT);
        try {
            ProcessRunner.run(List.of("ip", "-n", name, "link", "set", "lo", "up"), TIMEOUT);
        } catch (RuntimeException e) {
            drop(name);
            throw e;
        }
        return name;
    }

    private static void drop(String name) {
        ProcessRunner.runAllowingFailure(List.of("ip", "netns", "delete", name), TIMEOUT);
    }

    /** Spares left by an earlier run of this node (no container records them) are dropped at start. */
    private void dropUnused() {
        try (Stream<Path> all = Files.isDirectory(NETNS_DIR) ? Files.list(NETNS_DIR) : Stream.empty()) {
            Set<String> used = new HashSet<>();
            if (Files.isDirectory(names)) {
                try (Stream<Path> records = Files.list(names)) {
                    for (Path r : records.toList()) used.add(Files.readString(r).strip());
                }
            }
            String prefix = "torpor-" + scope + "-n";
            for (Path p : all.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && !used.contains(n) && !n.equals(spare.get())) drop(n);
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a leftover namespace costs a little kernel memory, nothing else
        }
    }
}
