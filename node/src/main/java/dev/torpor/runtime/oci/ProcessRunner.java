package dev.torpor.runtime.oci;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs one host command to completion, with a deadline, keeping what it printed. */
final class ProcessRunner {

    record Result(int exitStatus, String stdout, String stderr) {}

    private ProcessRunner() {}

    /** Runs {@code argv}; a non-zero exit becomes a FAILED error carrying the command's stderr. */
    static Result run(List<String> argv, Duration timeout) {
        Result r = runAllowingFailure(argv, timeout);
        if (r.exitStatus != 0) {
            throw new TorporException(ErrorKind.FAILED, String.join(" ", argv.subList(0, Math.min(2, argv.size())))
                    + " failed", r.exitStatus, r.stderr.isBlank() ? r.stdout : r.stderr, null);
        }
        return r;
    }

    static Result runAllowingFailure(List<String> argv, Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot run " + argv.getFirst(), e);
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new TorporException(ErrorKind.OPERATION_TIMEOUT, String.join(" ", argv) + " did not finish within " + timeout);
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new TorporException(ErrorKind.FAILED, "interrupted while running " + argv.getFirst(), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                f.complete(buf.toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.completeExceptionally(new UncheckedIOException(e));
            }
        });
        return f;
    }
}
