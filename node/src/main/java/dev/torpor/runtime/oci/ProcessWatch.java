package dev.torpor.runtime.oci;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a host command under two bounds, killing its whole {@link ProcessTree} at either: a deadline, and (for
 * CRIU) a cap on the size of its log. CRIU logs at debug level (runc asks for it, and it is what tells why a
 * restore failed); a CRIU looping on a truncated image wrote 4 GB of log in minutes and filled the disk. No real
 * dump or restore logs near the cap, so passing it means CRIU is stuck, and it is stopped there.
 */
final class ProcessWatch {
    private static final long CRIU_LOG_CAP_BYTES = 64L * 1024 * 1024;
    /** A stat of the log each time: cheap, and a looping CRIU writes no more than a few MB meanwhile. */
    private static final long LOOK_EVERY_MS = 100;

    /** A log to watch and the size at which its writer is stopped. */
    record CappedLog(Path file, long capBytes) {
        static CappedLog criu(Path file) {
            return new CappedLog(file, CRIU_LOG_CAP_BYTES);
        }
    }

    private ProcessWatch() {}

    /**
     * Returns once {@code p} has exited; throws TIMEOUT or FAILED, naming {@code what}, after killing its tree. Waits
     * on {@code onExit}, which parks a virtual caller; {@code Process.waitFor} holds a monitor, pinning the
     * carrier on JDK 21 for as long as a restore takes.
     */
    static void await(Process p, String what, Duration timeout, CappedLog log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<Process> exited = p.onExit();
        try {
            while (!exitedWithin(exited, Math.min(LOOK_EVERY_MS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)))) {
                if (System.nanoTime() - deadline >= 0) {
                    ProcessTree.kill(p.toHandle());
                    throw new TorporException(ErrorKind.OPERATION_TIMEOUT, what + " did not finish within " + timeout.toSeconds()
                            + " s and was killed with everything it started");
                }
                if (log != null && size(log.file()) > log.capBytes()) {
                    ProcessTree.kill(p.toHandle());
                    CriuLog.keepTail(log.file());
                    throw new TorporException(ErrorKind.FAILED, what + " was killed: its log " + log.file().getFileName()
                            + " passed " + log.capBytes() / 1024 + " KiB, so it was looping; last errors: "
                            + String.join("\n", CriuLog.lastErrors(log.file(), 4)));
                }
            }
        } catch (InterruptedException e) {
            ProcessTree.kill(p.toHandle());
            Thread.currentThread().interrupt();
            throw new TorporException(ErrorKind.FAILED, "interrupted while waiting for " + what, e);
        }
    }

    private static boolean exitedWithin(CompletableFuture<Process> exited, long millis) throws InterruptedException {
        try {
            exited.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("onExit never fails", e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // not written yet
        }
    }
}
