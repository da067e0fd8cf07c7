package dev.torpor.runtimeapi;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** The relay's end of one channel connection, played by a test: what torpor-init does, minus the function. */
public final class FakeRelay implements AutoCloseable {
    public static final String NEXT = "/2018-06-01/runtime/invocation/next";

    private final SocketChannel socket;
    private final InputStream in;
    private final OutputStream out;
    private final FrameReader reader;

    private FakeRelay(SocketChannel socket) {
        this.socket = socket;
        this.in = new BufferedInputStream(Channels.newInputStream(socket));
        this.out = Channels.newOutputStream(socket);
        this.reader = new FrameReader(in, Integer.MAX_VALUE);
    }

    /** Connects once; fails when the agent's socket is not there (detached, or not opened yet). */
    public static FakeRelay connect(Path socketPath) throws IOException {
        SocketChannel s = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            s.connect(UnixDomainSocketAddress.of(socketPath));
            return new FakeRelay(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    public void send(Frame frame) throws IOException {
        sendRaw(frame.encode());
    }

    public void hello() throws IOException {
        send(new Frame("HELLO", Map.of("Relay-Version", "1"), new byte[0]));
    }

    public void request(int id, String method, String target, byte[] body) throws IOException {
        send(new Frame("REQUEST " + id + " " + method + " " + target, Map.of(), body));
    }

    public void request(int id, String method, String target, String body) throws IOException {
        request(id, method, target, body.getBytes(StandardCharsets.UTF_8));
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    /** The next frame from the agent, or null when it closed the connection. */
    public Frame read() throws IOException {
        return reader.read();
    }

    public byte[] readBytes(int n) throws IOException {
        return in.readNBytes(n);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already broken
        }
    }
}
