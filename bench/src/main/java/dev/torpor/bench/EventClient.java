package dev.torpor.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends one event to the peers' HTTP function on 127.0.0.1:port: a plain HTTP/1.0 POST on a fresh connection,
 * which the server closes after its answer, so an idle server holds no connection when it is suspended.
 */
final class EventClient {
    private static final String EVENT = "{\"bench\":true}";

    private EventClient() {}

    /** Posts one event; the body of the answer. */
    static String post(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(60_000);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST / HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + EVENT.length() + "\r\n\r\n" + EVENT).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int head = response.indexOf("\r\n\r\n");
            if (!response.startsWith("HTTP/1.0 200") && !response.startsWith("HTTP/1.1 200") || head < 0) {
                throw new IOException("the function answered: " + response);
            }
            return response.substring(head + 4);
        }
    }

    /**
     * Posts an event as soon as the function listens (a cold start): connection refusals are retried every
     * millisecond until {@code timeoutMs}.
     */
    static String postWhenListening(int port, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            try {
                return post(port);
            } catch (ConnectException e) {
                if (System.nanoTime() > deadline) throw new IOException("nothing listened on 127.0.0.1:" + port + " within " + timeoutMs + " ms", e);
                Thread.sleep(1);
            }
        }
    }
}
