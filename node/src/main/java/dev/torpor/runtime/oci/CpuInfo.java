package dev.torpor.runtime.oci;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * This node's CPU as CRIU describes it (the features a dumped process may have used), for every image to carry, and
 * the check of an image's description against this CPU. CRIU itself records it only with {@code --cpu-cap=image},
 * which would also make every restore here check it; taken once per run of the node instead ({@code criu cpuinfo
 * dump} into {@code dir}, on first use: the CPU does not change under a running node, but may between runs when its
 * disk moves to another device) and copied into each image, ~150 bytes.
 */
final class CpuInfo {
    static final String FILE = "cpuinfo.img";
    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final int REASON_LINES = 3;

    private final Path dir;
    private byte[] mine;

    CpuInfo(Path dir) {
        this.dir = dir;
    }

    /** Writes this node's description into an image. */
    void copyInto(Path imageDir) {
        try {
            Files.write(imageDir.resolve(FILE), mine());
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot write the CPU description into " + imageDir, e);
        }
    }

    /** Why this CPU lacks features of the one that dumped the image in {@code imageDir}; empty when it has them all. */
    Optional<String> refusal(Path imageDir) {
        byte[] theirs;
        try {
            theirs = Files.readAllBytes(imageDir.resolve(FILE));
        } catch (IOException e) {
            return Optional.of("cannot read the image's " + FILE + ": " + e.getMessage());
        }
        if (Arrays.equals(theirs, mine())) return Optional.empty(); // dumped on this CPU: no need to ask CRIU
        ProcessRunner.Result r = ProcessRunner.runAllowingFailure(check(imageDir), QUICK);
        if (r.exitStatus() == 0) return Optional.empty();
        List<String> errors = CriuLog.lastErrors((r.stderr() + "\n" + r.stdout()).lines().toList(), REASON_LINES);
        return Optional.of(errors.isEmpty() ? "criu cpuinfo check exited with " + r.exitStatus() : String.join("; ", errors));
    }

    private synchronized byte[] mine() {
        if (mine == null) {
            try {
                Files.createDirectories(dir);
                ProcessRunner.run(dump(dir), QUICK);
                mine = Files.readAllBytes(dir.resolve(FILE));
            } catch (IOException e) {
                throw new TorporException(ErrorKind.FAILED, "cannot take this node's CPU description into " + dir, e);
            }
        }
        return mine;
    }

    static List<String> dump(Path dir) {
        return List.of("criu", "cpuinfo", "dump", "-D", dir.toString());
    }

    static List<String> check(Path imageDir) {
        return List.of("criu", "cpuinfo", "check", "-D", imageDir.toString());
    }
}
