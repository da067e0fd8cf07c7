package dev.torpor.runtime.oci;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The bridge address a container had when it was dumped, written beside CRIU's files, and what a restore does when its
 * container has another one here (a migration, a takeover: every node has its own bridge). Its outside TCP
 * connections cannot go on from a new address, so they are closed, and the function sees them fail
 * ({@code ECONNABORTED}) and reconnects. CRIU's own {@code --tcp-close} would close every connection, the function's
 * loopback one to the relay too; so CRIU restores them all ({@code --tcp-established}) with the old address lent to
 * the container's interface to bind them to, then the ones on it are destroyed ({@code ss -K}) and the address taken
 * back.
 */
final class MovedAddress {
    static final String FILE = "bridge-address";
    private static final String IFNAME = "eth0";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private MovedAddress() {}

    /** Writes the container's address into the image; nothing for one with loopback only. */
    static void record(Path imageDir, Optional<String> address) {
        if (address.isEmpty()) return;
        try {
            Files.writeString(imageDir.resolve(FILE), address.get());
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot write the address into " + imageDir, e);
        }
    }

    /** The address the image was dumped at, when it is not {@code current}. */
    static Optional<String> movedFrom(Path imageDir, Optional<String> current) {
        Path file = imageDir.resolve(FILE);
        try {
            if (!Files.exists(file)) return Optional.empty();
            String dumped = Files.readString(file).strip();
            return current.filter(dumped::equals).isPresent() ? Optional.empty() : Optional.of(dumped);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot read the address in " + imageDir, e);
        }
    }

    static void lend(Path netns, String address) {
        ProcessRunner.run(inside(netns, "ip", "addr", "add", address + "/32", "dev", IFNAME), TIMEOUT);
    }

    /** Destroys the connections bound to the lent address (the peer is not told: its packets reach no one) and takes it back. */
    static void closeConnectionsAndTakeBack(Path netns, String address) {
        ProcessRunner.run(inside(netns, "ss", "-K", "-t", "src", address), TIMEOUT);
        ProcessRunner.run(inside(netns, "ip", "addr", "del", address + "/32", "dev", IFNAME), TIMEOUT);
    }

    private static List<String> inside(Path netns, String... argv) {
        return Stream.concat(Stream.of("nsenter", "--net=" + netns, "--"), Stream.of(argv)).toList();
    }
}
