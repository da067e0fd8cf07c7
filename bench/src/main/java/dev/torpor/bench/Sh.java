package dev.torpor.bench;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs host commands, timed from the fork to the exit. Every command sees {@code /usr/local/sbin} first on its
 * PATH, where the working CRIU's wrapper lives, so runc (directly or under Docker and Podman) finds it.
 */
final class Sh {
    static final Duration LONG = Duration.ofMinutes(3);

    record Result(int exit, String out, String err, double ms) {
        boolean ok() {
            return exit == 0;
        }

        String why() {
            String e = err.isBlank() ? out : err;
            return "exit " + exit + ": " + e.strip();
        }
    }

    private Sh() {}

    static String path() {
        String p = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        return p.startsWith("/usr/local/sbin:") ? p : "/usr/local/sbin:/usr/local/bin:" + p;
    }

    static ProcessBuilder builder(List<String> argv) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("PATH", path());
        return pb;
    }

    static Result run(List<String> argv) {
        return run(argv, LONG);
    }

    static Result run(List<String> argv, Duration timeout) {
        long t0 = System.nanoTime();
        Process p;
        try {
            p = builder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            return new Result(127, "", "cannot run " + argv.getFirst() + ": " + e.getMessage(), 0);
        }
        CompletableFuture<String> out = drain(p.getInputStream()), err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(124, "", String.join(" ", argv) + " did not finish within " + timeout, ms(t0));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        double ms = ms(t0);
        return new Result(p.exitValue(), out.join(), err.join(), ms);
    }

    /** Runs and demands success; the failure says which command and what it printed. */
    static Result ok(List<String> argv) {
        Result r = run(argv);
        if (!r.ok()) throw new BenchException(String.join(" ", argv) + " failed, " + r.why());
        return r;
    }

    static String out(List<String> argv) {
        return ok(argv).out().strip();
    }

    static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    static CompletableFuture<String> drain(InputStream in) {
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

    /** Reads a stream to its end and throws it away (a detached container's stdout and stderr pipes). */
    static void discard(InputStream in) {
        Thread.ofVirtual().start(() -> {
            try (in) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the container is gone
            }
        });
    }
}
