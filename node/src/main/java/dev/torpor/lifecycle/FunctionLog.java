package dev.torpor.lifecycle;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An instance's stdout and stderr, kept in a file the agent writes (the container itself only ever writes to a
 * pipe, so CRIU can dump it). Bounded: past {@code maxBytes} the file is rolled over to {@code .1}.
 */
public final class FunctionLog extends OutputStream {
    private final Path file;
    private final long maxBytes;
    private OutputStream out;
    private long size;
    private boolean closed;
    /** Bytes of output the file could not take since it last could. */
    private long dropped;

    public FunctionLog(Path file, long maxBytes) {
        this.file = file;
        this.maxBytes = maxBytes;
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /**
     * Output the file cannot take (a full disk) is dropped and counted, never thrown: the pipe's reader would stop, and
     * the function die of a broken pipe at its next print. Once the file takes writes again it says what was dropped.
     */
    @Override
    public synchronized void write(byte[] b, int off, int len) {
        if (closed) return; // the instance is gone: its last output must not bring the file back
        try {
            if (out == null || size + len > maxBytes) roll();
            if (dropped > 0) {
                byte[] note = ("[torpor: " + dropped + " bytes of output dropped: the log could not be written (disk full?)]\n").getBytes(StandardCharsets.UTF_8);
                out.write(note);
                size += note.length;
                dropped = 0;
            }
            out.write(b, off, len);
            size += len;
        } catch (IOException e) {
            dropped += len;
            closeQuietly(); // reopened, at its true size, on the next write
        }
    }

    private void closeQuietly() {
        try {
            if (out != null) out.close();
        } catch (IOException e) {
            // what it held is counted as dropped already
        }
        out = null;
    }

    @Override
    public synchronized void flush() throws IOException {
        if (out != null) out.flush();
    }

    /** For good: what the container still writes afterwards is dropped. */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (out != null) out.close();
        out = null;
    }

    /** Bytes written so far to the current file: mark it before an invocation to read what it printed. */
    public synchronized long position() {
        return Files.exists(file) ? fileSize() : 0;
    }

    /** Up to {@code maxBytes} of the end of what was written since {@code from}. */
    public synchronized byte[] tailSince(long from, int maxBytes) {
        try {
            flush();
            if (!Files.exists(file)) return new byte[0];
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                long end = raf.length();
                long start = Math.max(Math.min(from, end), end - maxBytes);
                byte[] buf = new byte[(int) (end - start)];
                raf.seek(start);
                raf.readFully(buf);
                return buf;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens the file on first use; afterwards moves the full file aside and starts a new one. */
    private void roll() throws IOException {
        if (out != null) {
            out.close();
            Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createDirectories(file.getParent());
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = fileSize();
    }

    private long fileSize() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
