package dev.torpor.runtime.oci;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Readers of process pipes, on platform daemon threads. A virtual thread blocked in a native read of a pipe holds
 * its carrier: enough stuck runc or container outputs pinned every carrier and the whole API stopped answering.
 * Small stacks, since a container's output reader lives as long as the container.
 */
final class PipeReaders {
    private static final long STACK_BYTES = 256 * 1024;
    /** What is kept of a command's output; runc and CRIU print far less, a runaway would print without end. */
    static final int MAX_KEPT_BYTES = 4 * 1024 * 1024;

    private PipeReaders() {}

    /** All {@code in} yields, up to {@link #MAX_KEPT_BYTES} (the rest is read and dropped so the writer never blocks). */
    static CompletableFuture<String> drain(InputStream in, String name) {
        CompletableFuture<String> f = new CompletableFuture<>();
        start(name, () -> {
            try (in) {
                ByteArrayOutputStream kept = new ByteArrayOutputStream();
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) != -1; ) {
                    kept.write(buf, 0, Math.max(0, Math.min(n, MAX_KEPT_BYTES - kept.size())));
                }
                f.complete(kept.toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.completeExceptionally(new UncheckedIOException(e));
            }
        });
        return f;
    }

    /** Copies {@code in} to {@code out} until either ends, flushing each chunk (a function's log line shows at once). */
    static Thread copy(InputStream in, OutputStream out, String name) {
        return start(name, () -> {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (out) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the process is gone or the sink closed: its output ends here
            }
        });
    }

    private static Thread start(String name, Runnable reader) {
        return Thread.ofPlatform().name(name).daemon().stackSize(STACK_BYTES).start(reader);
    }
}
