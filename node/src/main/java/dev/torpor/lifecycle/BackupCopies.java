package dev.torpor.lifecycle;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.function.FunctionDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Copies of instances for backups: a leave-running dump of a running instance, or the image of a checkpointed one.
 *
 * <p>A running instance is only ever dumped IDLE: blocked in the Runtime API's {@code next} with no event delivered,
 * so the relay detaches with nothing in flight (init/PROTOCOL.md) and the copy holds no half-served invocation. (A
 * dump taken mid-invocation would restore, after a takeover, a function in the middle of an event whose caller the
 * old owner answered or failed, whose answer the new owner has no request to match.) An instance that is always busy
 * has such moments only between two invocations, so the copy waits for one: it queues for the claim as an invocation
 * does, takes it when the current invocation lets go, and waits for the function to ask for its next event. Holding
 * the claim, it keeps invocations waiting for the dump, and never lets one start a second instance.
 */
final class BackupCopies {
    private final InstanceOperations ops;
    private final CheckpointStore images;
    private final Clock clock;
    /** Schedules the idle policy again, given how long the instance has been idle already. */
    private final BiConsumer<LiveInstance, Duration> idleFor;

    BackupCopies(InstanceOperations ops, CheckpointStore images, Clock clock, BiConsumer<LiveInstance, Duration> idleFor) {
        this.ops = ops;
        this.images = images;
        this.clock = clock;
        this.idleFor = idleFor;
    }

    /** The copy in {@code into}; empty when the instance found no idle moment within {@code wait}, or is suspending. */
    Optional<CheckpointStore.Image> take(LiveInstance inst, FunctionDefinition fn, CheckpointStore into, Duration wait)
            throws InterruptedException {
        Optional<Claim> claim = inst.instance.claimSettled(wait, wait);
        if (claim.isEmpty()) return Optional.empty();
        InstanceState s = InstanceState.STOPPED;
        Instant idleBefore = null;
        try (Claim held = claim.get()) {
            Instance.Snapshot settled = inst.instance.snapshot();
            s = settled.state();
            idleBefore = settled.since();
            return switch (s) {
                case IDLE -> Optional.of(ops.backup(inst, fn, into));
                case CHECKPOINTED -> images.latest(inst.id()).map(img -> linked(img, into));
                default -> Optional.empty();
            };
        } finally {
            // A backup is no use of the instance: its idle time runs on, or backups would keep it from ever suspending.
            Instant idleSince = s == InstanceState.IDLE ? idleBefore : inst.instance.snapshot().since();
            idleFor.accept(inst, Duration.between(idleSince, clock.instant()));
        }
    }

    /** The image's files linked (not copied: images never change once written) into a new image of {@code into}. */
    private static CheckpointStore.Image linked(CheckpointStore.Image img, CheckpointStore into) {
        Path dir = into.begin(img.manifest().instanceId());
        try {
            for (var f : img.manifest().files()) Files.createLink(dir.resolve(f.name()), img.dir().resolve(f.name()));
            return new CheckpointStore.Image(dir, into.commit(dir, img.manifest().withFiles(List.of())));
        } catch (IOException | RuntimeException e) {
            into.discard(dir);
            throw new TorporException(ErrorKind.FAILED, "cannot take the image of " + img.manifest().instanceId() + " for a backup", e);
        }
    }
}
