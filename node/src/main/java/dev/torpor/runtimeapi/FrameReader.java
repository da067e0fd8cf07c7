package dev.torpor.runtimeapi;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads frames off the relay channel; a body larger than the limit ends the channel rather than the heap. */
final class FrameReader {
    private static final int MAX_LINE = 16 * 1024;
    private final InputStream in;
    private final int maxBody;

    FrameReader(InputStream in, int maxBody) {
        this.in = in;
        this.maxBody = maxBody;
    }

    /** The next frame, or null at a clean end of stream. */
    Frame read() throws IOException {
        String start = line(true);
        if (start == null) return null;
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(false); !l.isEmpty(); l = line(false)) {
            int colon = l.indexOf(':');
            if (colon <= 0) throw new IOException("malformed header line: " + l);
            headers.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
        }
        Frame head = new Frame(start, headers, new byte[0]);
        String len = head.header("content-length");
        int n = len == null ? 0 : Integer.parseInt(len);
        if (n < 0 || n > maxBody) throw new IOException("frame body of " + n + " bytes exceeds " + maxBody);
        byte[] body = in.readNBytes(n);
        if (body.length != n) throw new EOFException("channel closed inside a frame body");
        return new Frame(start, head.headers(), body);
    }

    private String line(boolean eofAllowed) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                if (eofAllowed && buf.size() == 0) return null;
                throw new EOFException("channel closed inside a frame head");
            }
            if (buf.size() >= MAX_LINE) throw new IOException("frame line longer than " + MAX_LINE);
            buf.write(b);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
