package dev.torpor.runtime.oci;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * {@code criu lazy-pages}: serves the restored process's page faults (userfaultfd) from a remote CRIU page server,
 * and pulls every other lazy page in the background; it exits 0 once all of them arrived. It must be listening in
 * the work directory before {@code runc restore --lazy-pages} starts.
 */
final class LazyPagesDaemon {
    private static final Duration READY = Duration.ofSeconds(10);
    private static final String SOCKET = "lazy-pages.socket";
    private static final String LOG = "lazy-pages.log";
    private static final int LOG_TAIL_LINES = 8;

    private final Process process;
    private final Path workDir;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();

    private LazyPagesDaemon(Process process, Path workDir) {
        this.process = process;
        this.workDir = workDir;
    }

    /** {@code timeout} bounds the whole pull: past it, or past its log cap, the daemon is killed and the restore fails. */
    static LazyPagesDaemon start(Path imageDir, Path workDir, InetSocketAddress pageServer, Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder("criu", "lazy-pages", "--page-server", "--address", pageServer.getHostString(),
                    "--port", Integer.toString(pageServer.getPort()), "--images-dir", imageDir.toString(),
                    "--work-dir", workDir.toString(), "--log-file", LOG)
                    .redirectErrorStream(true).redirectOutput(workDir.resolve("lazy-pages.out").toFile()).start();
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot run criu lazy-pages", e);
        }
        LazyPagesDaemon daemon = new LazyPagesDaemon(p, workDir);
        daemon.awaitListening();
        daemon.watch(timeout);
        return daemon;
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + READY.toNanos();
        try {
            while (!Files.exists(workDir.resolve(SOCKET))) {
                if (!process.isAlive()) throw failure("criu lazy-pages exited at once (" + process.exitValue() + ")");
                if (System.nanoTime() > deadline) {
                    stop();
                    throw failure("criu lazy-pages did not start listening within " + READY.toSeconds() + " s");
                }
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new TorporException(ErrorKind.FAILED, "interrupted while starting criu lazy-pages", e);
        }
    }

    /** A platform thread, as it mostly sleeps in waitFor for as long as the pages take. */
    private void watch(Duration timeout) {
        Thread.ofPlatform().daemon().name("lazy-pages-" + process.pid()).start(() -> {
            try {
                ProcessWatch.await(process, "criu lazy-pages", timeout, ProcessWatch.CappedLog.criu(workDir.resolve(LOG)));
                if (process.exitValue() != 0) throw failure("criu lazy-pages failed (" + process.exitValue() + ")");
                finished.complete(null);
            } catch (TorporException e) {
                finished.completeExceptionally(e);
            }
        });
    }

    /** Completes when the daemon has delivered every page; fails with the reason from its log otherwise. */
    CompletableFuture<Void> finished() {
        return finished;
    }

    void stop() {
        ProcessTree.kill(process.toHandle());
    }

    private TorporException failure(String what) {
        String why = String.join("\n", CriuLog.lastErrors(workDir.resolve(LOG), LOG_TAIL_LINES));
        return new TorporException(ErrorKind.FAILED, what + (why.isEmpty() ? "" : ": " + why));
    }
}
