package dev.torpor.checkpoint;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether an image can be restored on this node, decided from its manifest: the one check of every restore path (a
 * local restore, an image received in a migration, a backup taken over: all restore through the lifecycle, which asks
 * this before CRIU runs), and, from the same rules, of a migration offer before anything is frozen.
 *
 * <p>The rules, in the order they are asked (a later field means nothing when an earlier one differs):
 * <ul>
 *   <li>image format: exactly {@link FormatVersions#IMAGE}; an image of another format is not read further;</li>
 *   <li>architecture: the same (CRIU restores registers and code of one instruction set only);</li>
 *   <li>CRIU version: the image's no newer than this node's. CRIU's image files are protobuf and its releases keep
 *       reading what older ones wrote, not the reverse: a newer CRIU may have written what an older one does not
 *       know. Unparsable versions read as 0.0.0, so a node whose CRIU is unknown refuses images of a known one;</li>
 *   <li>code: the same SHA-256 (not the revision number: revisions are counted per node, the bytes are the same
 *       everywhere), since the process runs the code it was dumped with;</li>
 *   <li>CPU features: the image holds {@link #CPU_INFO} ({@code criu cpuinfo dump} of the CPU it ran on), and this
 *       node's CPU has what that one had ({@code criu cpuinfo check}): a process restored on a CPU lacking an
 *       instruction it used dies of SIGILL when it next uses it, maybe much later.</li>
 * </ul>
 * The kernel is not compared: CRIU checks what it needs of the kernel itself when it restores, and says why.
 */
public final class Compatibility {
    /** The file of an image describing the CPU it was dumped on, as {@code criu cpuinfo dump} writes it. */
    public static final String CPU_INFO = "cpuinfo.img";

    /** What made an image: read from its manifest, or, before a migration's dump, from the source's offer. */
    public record Origin(int formatVersion, String architecture, String criuVersion) {}

    /** Which field refuses the image, and the image's value against this node's. */
    public record Refusal(String field, String image, String node) {
        public String reason() {
            return field + ": image " + image + ", this node " + node;
        }
    }

    /** This node's CPU against the one an image's {@link #CPU_INFO} describes: why not, or empty when it has all it used. */
    @FunctionalInterface
    public interface CpuCheck {
        Optional<String> refusal(Path imageDir);
    }

    private final String architecture;
    private final String criuVersion;
    private final CpuCheck cpu;

    public Compatibility(String architecture, String criuVersion, CpuCheck cpu) {
        this.architecture = architecture;
        this.criuVersion = criuVersion;
        this.cpu = cpu;
    }

    /** Whether an image of this origin could be restored here, before it exists: no code or CPU to compare yet. */
    public Optional<Refusal> refusal(Origin image) {
        if (image.formatVersion() != FormatVersions.IMAGE) {
            return refused("format version", Integer.toString(image.formatVersion()), Integer.toString(FormatVersions.IMAGE));
        }
        if (!architecture.equals(image.architecture())) return refused("architecture", image.architecture(), architecture);
        if (CriuVersion.parse(criuVersion).olderThan(CriuVersion.parse(image.criuVersion()))) {
            return refused("CRIU version", image.criuVersion() + " (newer)", criuVersion);
        }
        return Optional.empty();
    }

    /** Whether the image can be restored here to run the code {@code codeSha256}. */
    public Optional<Refusal> refusal(CheckpointStore.Image image, String codeSha256) {
        Manifest m = image.manifest();
        Optional<Refusal> origin = refusal(m.origin());
        if (origin.isPresent()) return origin;
        if (!codeSha256.equals(m.codeSha256())) return refused("code SHA-256", m.codeSha256(), codeSha256 + " (" + m.function() + ")");
        if (m.files().stream().noneMatch(f -> f.name().equals(CPU_INFO))) {
            return refused("CPU features", "not recorded (no " + CPU_INFO + ")", "requires them");
        }
        return cpu.refusal(image.dir()).map(why -> new Refusal("CPU features", "as in its " + CPU_INFO, "lacks some (" + why + ")"));
    }

    /** {@link #refusal(CheckpointStore.Image, String)} as an INCOMPATIBLE_IMAGE error. */
    public void require(CheckpointStore.Image image, String codeSha256) {
        refusal(image, codeSha256).ifPresent(r -> {
            throw new TorporException(ErrorKind.INCOMPATIBLE_IMAGE, "image " + image.dir() + " cannot be restored here: " + r.reason());
        });
    }

    private static Optional<Refusal> refused(String field, String image, String node) {
        return Optional.of(new Refusal(field, image, node));
    }
}
