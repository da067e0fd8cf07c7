package dev.torpor.checkpoint.criu;

import static dev.torpor.checkpoint.criu.PagemapEntry.PAGE_SIZE;
import static dev.torpor.checkpoint.criu.PagemapEntry.PE_PRESENT;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The page server CRIU's lazy-pages daemon pulls the pages of a post-copy restore from, on loopback, speaking
 * CRIU's page-xfer protocol (CRIU 4.2: a request is {@code u32 cmd, u64 nr_pages, u64 vaddr, u64 dst_id},
 * naturally aligned, little-endian; {@code dst_id} is the process's id in the image). It answers each
 * {@code PS_IOV_GET} with {@code PS_IOV_ADD_F} and the raw pages, taken from a {@link PageSource} in pieces of at
 * most {@link #PIECE_PAGES} so nothing large is ever held.
 */
public final class CriuPageServer implements AutoCloseable {
    public static final int PIECE_PAGES = 256;
    private static final int PIECES_IN_FLIGHT = 4;
    private static final int PSI_BYTES = 32;
    private static final int PS_IOV_ADD_F = 6;
    private static final int PS_IOV_GET = 7;
    private static final int PS_IOV_CLOSE = 0x1023;
    private static final int PS_IOV_FORCE_CLOSE = 0x1024;
    private static final int PS_CMD_MASK = 0xffff;
    private static final int PS_CMD_BITS = 16;

    /** Where the pages come from: here, the node the instance is moving from. */
    @FunctionalInterface
    public interface PageSource {
        byte[] read(long pid, long vaddr, int count) throws IOException;
    }

    private final ServerSocket listener;
    private final PageSource source;
    private final AtomicLong bytesServed = new AtomicLong();
    private final CompletableFuture<Long> finished = new CompletableFuture<>();
    private volatile Socket connection;
    private final ExecutorService fetchers = Executors.newVirtualThreadPerTaskExecutor();

    public CriuPageServer(PageSource source) throws IOException {
        this.source = source;
        this.listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("criu-page-server-" + listener.getLocalPort()).start(this::serve);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Completes with the bytes served once the daemon said it has everything; fails if serving broke off. */
    public CompletableFuture<Long> finished() {
        return finished;
    }

    private void serve() {
        try (Socket s = listener.accept()) {
            connection = s;
            listener.close(); // one daemon, one connection
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] request = new byte[PSI_BYTES];
            while (true) {
                in.readFully(request);
                ByteBuffer psi = ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN);
                int cmd = psi.getInt(0) & PS_CMD_MASK;
                if (cmd == PS_IOV_CLOSE || cmd == PS_IOV_FORCE_CLOSE) {
                    out.write(new byte[4]); // status 0: everything arrived
                    out.flush();
                    finished.complete(bytesServed.get());
                    return;
                }
                if (cmd != PS_IOV_GET) throw new IOException("unexpected page-server command 0x" + Integer.toHexString(cmd));
                answer(psi.getLong(8), psi.getLong(16), psi.getLong(24), out);
            }
        } catch (IOException | RuntimeException e) {
            finished.completeExceptionally(e);
        }
    }

    private void answer(long nrPages, long vaddr, long pid, OutputStream out) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(PSI_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, PS_IOV_ADD_F | PE_PRESENT << PS_CMD_BITS).putLong(8, nrPages).putLong(16, vaddr).putLong(24, pid);
        out.write(header.array());
        // A few pieces in flight hide the source's round trips; they are written in order as they complete.
        ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
        long asked = 0;
        try {
            for (long written = 0; written < nrPages; ) {
                while (inFlight.size() < PIECES_IN_FLIGHT && asked < nrPages) {
                    int count = (int) Math.min(PIECE_PAGES, nrPages - asked);
                    long from = vaddr + asked * PAGE_SIZE;
                    inFlight.add(fetchers.submit(() -> source.read(pid, from, count)));
                    asked += count;
                }
                int count = (int) Math.min(PIECE_PAGES, nrPages - written);
                byte[] pages = inFlight.remove().get();
                if (pages.length != count * PAGE_SIZE) throw new IOException("the page source gave " + pages.length + " bytes for " + count + " pages");
                out.write(pages);
                written += count;
                bytesServed.addAndGet(pages.length);
            }
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching pages", e);
        } finally {
            inFlight.forEach(f -> f.cancel(true));
        }
        out.flush();
    }

    @Override
    public void close() {
        try {
            listener.close();
            Socket s = connection;
            if (s != null) s.close(); // a daemon still pulling fails now rather than waiting forever
        } catch (IOException ignored) {
            // closing sockets loses nothing
        }
        fetchers.shutdownNow();
        finished.completeExceptionally(new IOException("the page server was closed"));
    }
}
