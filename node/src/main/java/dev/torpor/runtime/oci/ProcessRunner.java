package dev.torpor.runtime.oci;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Runs one host command to completion, with a deadline, keeping what it printed. */
final class ProcessRunner {

    record Result(int exitStatus, String stdout, String stderr) {}

    private ProcessRunner() {}

    /** Runs {@code argv}; a non-zero exit becomes a FAILED error carrying the command's stderr. */
    static Result run(List<String> argv, Duration timeout) {
        Result r = runAllowingFailure(argv, timeout);
        if (r.exitStatus != 0) {
            throw new TorporException(ErrorKind.FAILED, shortName(argv) + " failed", r.exitStatus,
                    r.stderr.isBlank() ? r.stdout : r.stderr, null);
        }
        return r;
    }

    static Result runAllowingFailure(List<String> argv, Duration timeout) {
        return runAllowingFailure(argv, timeout, null);
    }

    /**
     * Runs {@code argv}, killing it with all it started when it overruns {@code timeout} or {@code criuLog} (if any)
     * passes its cap.
     */
    static Result runAllowingFailure(List<String> argv, Duration timeout, ProcessWatch.CappedLog criuLog) {
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot run " + argv.getFirst(), e);
        }
        CompletableFuture<String> out = PipeReaders.drain(p.getInputStream(), "stdout-" + p.pid());
        CompletableFuture<String> err = PipeReaders.drain(p.getErrorStream(), "stderr-" + p.pid());
        ProcessWatch.await(p, String.join(" ", argv), timeout, criuLog);
        return new Result(p.exitValue(), out.join(), err.join());
    }

    private static String shortName(List<String> argv) {
        return String.join(" ", argv.subList(0, Math.min(2, argv.size())));
    }
}
