package dev.torpor.runtimeapi;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The agent's end of one instance's relay channel: a unix socket in a directory that is bind-mounted into the
 * container. While the socket file exists the relay can (re)connect; {@link #detach} removes it, so a frozen relay is
 * never half-connected and its dump holds nothing outside the container.
 */
public final class RelayChannel implements AutoCloseable {
    /** The Runtime API's largest body (a 6 MB response) plus room for the frame head. */
    static final int MAX_FRAME_BODY = 6 * 1024 * 1024 + 64 * 1024;

    /** What the channel hands up: requests of the function, and the end of its process. */
    public interface Listener {
        void onRequest(Frame request, RelayChannel channel);

        void onAttached();

        void onDetached();

        void onExit(int status);
    }

    private final Path socketPath;
    private final Listener listener;
    private ServerSocketChannel server;
    private SocketChannel connection;
    private CompletableFuture<Void> detached = new CompletableFuture<>();

    public RelayChannel(Path socketPath, Listener listener) {
        this.socketPath = socketPath;
        this.listener = listener;
    }

    public Path socketPath() {
        return socketPath;
    }

    /** Binds the socket so the relay can connect; harmless when already open. */
    public synchronized void open() {
        if (server != null) return;
        try {
            Files.createDirectories(socketPath.getParent());
            Files.deleteIfExists(socketPath);
            ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            s.bind(UnixDomainSocketAddress.of(socketPath));
            // The relay runs unprivileged, and connecting takes write permission. Only its container sees the socket.
            Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-rw-rw-"));
            server = s;
            Thread.ofVirtual().name("relay-accept-" + socketPath.getParent().getFileName()).start(() -> acceptLoop(s));
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot open the relay channel at " + socketPath, e);
        }
    }

    public synchronized boolean attached() {
        return connection != null;
    }

    /** Sends a frame to the relay; false when no relay is attached (it re-sends its requests when it comes back). */
    public boolean send(Frame frame) {
        SocketChannel c;
        synchronized (this) {
            c = connection;
        }
        if (c == null) return false;
        try {
            OutputStream out = Channels.newOutputStream(c);
            synchronized (c) {
                out.write(frame.encode());
            }
            return true;
        } catch (IOException e) {
            dropConnection(c);
            return false;
        }
    }

    /**
     * Asks the relay to let go of the channel and removes the socket, so nothing connects the container to the agent
     * until {@link #open} is called again. Waits for the relay's answer up to {@code timeout}.
     */
    public void detach(Duration timeout) {
        SocketChannel c;
        CompletableFuture<Void> done;
        synchronized (this) {
            closeServer();
            c = connection;
            done = detached;
        }
        if (c == null) return;
        send(Frame.of("DETACH"));
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw TorporException.timedOut("the relay did not let go of its channel within " + timeout);
        } catch (InterruptedException | ExecutionException e) {
            throw new TorporException(ErrorKind.FAILED, "interrupted while detaching the relay", e);
        } finally {
            dropConnection(c);
        }
    }

    @Override
    public synchronized void close() {
        closeServer();
        if (connection != null) dropConnection(connection);
    }

    private void acceptLoop(ServerSocketChannel s) {
        while (s.isOpen()) {
            try {
                SocketChannel c = s.accept();
                synchronized (this) {
                    if (connection != null) dropConnection(connection);
                    connection = c;
                    detached = new CompletableFuture<>();
                }
                Thread.ofVirtual().name("relay-read-" + socketPath.getParent().getFileName()).start(() -> readLoop(c));
            } catch (IOException e) {
                return; // closed by detach or close
            }
        }
    }

    private void readLoop(SocketChannel c) {
        FrameReader reader = new FrameReader(new BufferedInputStream(Channels.newInputStream(c)), MAX_FRAME_BODY);
        try {
            for (Frame f = reader.read(); f != null; f = reader.read()) {
                switch (f.verb()) {
                    case "HELLO" -> listener.onAttached();
                    case "REQUEST" -> listener.onRequest(f, this);
                    case "EXIT" -> listener.onExit(Integer.parseInt(f.words(3).get(1)));
                    case "DETACHED" -> {
                        return;
                    }
                    default -> { } // a newer relay's message this agent does not know: ignore it
                }
            }
        } catch (IOException | RuntimeException e) {
            // a broken channel is handled like a detach: the relay reconnects and re-sends
        } finally {
            dropConnection(c);
        }
    }

    private void dropConnection(SocketChannel c) {
        boolean wasCurrent;
        CompletableFuture<Void> done;
        synchronized (this) {
            wasCurrent = connection == c;
            if (wasCurrent) connection = null;
            done = detached;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // closing a socket that is already broken
        }
        if (wasCurrent) {
            done.complete(null);
            listener.onDetached();
        }
    }

    private void closeServer() {
        if (server == null) return;
        try {
            server.close();
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.FAILED, "cannot remove the relay socket " + socketPath, e);
        } finally {
            server = null;
        }
    }
}
