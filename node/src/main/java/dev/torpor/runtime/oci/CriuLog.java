package dev.torpor.runtime.oci;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Where CRIU says why it failed: the error lines at the end of its log. Only the log's tail is ever read, since a
 * looping CRIU writes gigabytes (read whole, such a log took the agent's heap).
 */
final class CriuLog {
    /** What CRIU logs last when a dump has written every image (and, unless told to leave it running, killed the tree). */
    static final String DUMP_FINISHED = "Dumping finished successfully";
    /** CRIU's last words before it gave up fit in far less. */
    static final int TAIL_BYTES = 64 * 1024;
    /** What a log cut for its size keeps: enough to see the loop. */
    private static final int KEPT_BYTES = 1024 * 1024;

    private CriuLog() {}

    /** The last {@code n} error lines of {@code log}; none when there is no log (the exit status is all there is). */
    static List<String> lastErrors(Path log, int n) {
        return lastErrors(tailLines(log, TAIL_BYTES), n);
    }

    /** The last {@code n} error lines of what CRIU printed. */
    static List<String> lastErrors(List<String> lines, int n) {
        List<String> errors = lines.stream().filter(l -> l.contains("Error") || l.contains("error")).toList();
        return errors.subList(Math.max(0, errors.size() - n), errors.size());
    }

    /** The whole lines among the last {@code bytes} of {@code file}; none when it cannot be read. */
    static List<String> tailLines(Path file, int bytes) {
        try {
            if (!Files.exists(file)) return List.of();
            byte[] tail = tail(file, bytes);
            List<String> lines = new String(tail, StandardCharsets.UTF_8).lines().toList();
            // a tail that starts inside the file starts inside a line
            boolean cut = Files.size(file) > tail.length;
            return cut && !lines.isEmpty() ? lines.subList(1, lines.size()) : lines;
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Cuts {@code log} down to its last megabyte, which is what it is read for; the rest only fills the disk. */
    static void keepTail(Path log) {
        try {
            Path cut = log.resolveSibling(log.getFileName() + ".cut");
            Files.write(cut, tail(log, KEPT_BYTES));
            Files.move(cut, log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(log); // the disk matters more than the log
            } catch (IOException ignored) {
                // nothing left to try; the work directory goes with the container
            }
        }
    }

    private static byte[] tail(Path file, int bytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long start = Math.max(0, length - bytes);
            byte[] buf = new byte[(int) (length - start)];
            raf.seek(start);
            raf.readFully(buf);
            return buf;
        }
    }
}
