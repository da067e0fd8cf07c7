package dev.torpor.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.runtimeapi.FakeRelay;
import dev.torpor.runtimeapi.Frame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What runs in a fake container: a relay that speaks the channel protocol of init/PROTOCOL.md, in front of a function
 * that answers each event with its payload and a counter it keeps in memory ({@code "hi"} → {@code "hi#1"}, then
 * {@code "#2"}...). Its memory, the counter and the relay's unanswered requests, is what a fake checkpoint writes into
 * the image and a fake restore reads back, so a counter that goes on proves the state survived.
 */
final class FakeFunction {
    /** A payload the function never answers, as one stuck past its timeout. */
    static final String HANG = "hang";
    /** A payload that makes the function exit with {@link #EXIT_STATUS}; the relay reports it and ends too. */
    static final String EXIT = "exit";
    static final int EXIT_STATUS = 3;
    /** A payload the function answers, then exits with {@link #EXIT_STATUS} instead of asking for its next event. */
    static final String ANSWER_THEN_EXIT = "answer-then-exit";
    static final String SOCKET = "agent.sock";
    private static final String IMAGE_FILE = "fake-process.json";
    private static final String INVOCATION = "/2018-06-01/runtime/invocation/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The process's memory: all a checkpoint keeps. */
    record Memory(int counter, int lastRequestId, List<Request> unanswered) {}

    record Request(String startLine, byte[] body) {}

    private final Path socket;
    private final Thread thread;
    // guarded by this
    private int counter;
    private int lastRequestId;
    private final Map<Integer, Frame> unanswered = new LinkedHashMap<>();
    private boolean frozen;
    private boolean killed;
    private FakeRelay connection;

    private FakeFunction(String id, Path socket, Memory memory) {
        this.socket = socket;
        this.counter = memory.counter();
        this.lastRequestId = memory.lastRequestId();
        for (Request r : memory.unanswered()) {
            unanswered.put(Integer.parseInt(r.startLine().split(" ")[1]), new Frame(r.startLine(), Map.of(), r.body()));
        }
        this.thread = Thread.ofPlatform().daemon().name("fake-function-" + id).unstarted(this::run);
    }

    /** A fresh process: the function asks for its first event at once; the relay sends that when it connects. */
    static FakeFunction start(String id, Path socket) {
        FakeFunction f = new FakeFunction(id, socket, new Memory(0, 0, List.of()));
        synchronized (f) {
            f.ask("GET", FakeRelay.NEXT, new byte[0]);
        }
        f.thread.start();
        return f;
    }

    /** The process as {@link #dumpTo} left it; its relay reconnects and re-sends what was not answered. */
    static FakeFunction restore(String id, Path socket, Path imageDir) {
        try {
            FakeFunction f = new FakeFunction(id, socket, JSON.readValue(imageDir.resolve(IMAGE_FILE).toFile(), Memory.class));
            f.thread.start();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void dumpTo(Path imageDir) {
        List<Request> pending = new ArrayList<>();
        unanswered.values().forEach(f -> pending.add(new Request(f.startLine(), f.body())));
        try {
            JSON.writeValue(imageDir.resolve(IMAGE_FILE).toFile(), new Memory(counter, lastRequestId, pending));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void freeze() {
        frozen = true;
    }

    synchronized void thaw() {
        frozen = false;
        notifyAll();
    }

    synchronized boolean frozen() {
        return frozen;
    }

    /** Ends the process, as SIGKILL would: the relay's connection breaks, nothing more is said. */
    void kill() {
        synchronized (this) {
            killed = true;
            notifyAll();
            if (connection != null) connection.close();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The relay: connect whenever the agent's socket is there, serve until the channel ends, then try again. */
    private void run() {
        while (runnable()) {
            FakeRelay relay = connect();
            if (relay == null) {
                pauseBeforeRetry();
                continue;
            }
            try {
                serve(relay);
            } catch (IOException e) {
                // the channel broke: reconnect and re-send, as after a DETACH
            } finally {
                disconnect(relay);
            }
        }
    }

    private FakeRelay connect() {
        FakeRelay relay;
        try {
            relay = FakeRelay.connect(socket);
        } catch (IOException e) {
            return null; // detached: the socket is gone until the agent opens it again
        }
        synchronized (this) {
            if (killed) {
                relay.close();
                return null;
            }
            connection = relay;
        }
        return relay;
    }

    private void serve(FakeRelay relay) throws IOException {
        synchronized (this) {
            relay.hello();
            for (Frame request : unanswered.values()) relay.send(request);
        }
        for (Frame f = relay.read(); f != null; f = relay.read()) {
            if (!runnable()) return;
            synchronized (this) {
                if (f.verb().equals("DETACH")) {
                    relay.send(Frame.of("DETACHED"));
                    return;
                }
                if (f.verb().equals("RESPONSE") && !answered(f)) {
                    relay.send(Frame.of("EXIT " + EXIT_STATUS));
                    killed = true;
                    return;
                }
            }
        }
    }

    /**
     * The agent answered one of the function's requests: an event for its next, or the ack of its answer. False when
     * the function exited.
     */
    private boolean answered(Frame response) {
        Frame request = unanswered.remove(Integer.parseInt(response.words(3).get(1)));
        if (request == null) return true;
        if (!request.startLine().endsWith(" GET " + FakeRelay.NEXT)) {
            if (new String(request.body(), StandardCharsets.UTF_8).startsWith(ANSWER_THEN_EXIT)) return false;
            ask("GET", FakeRelay.NEXT, new byte[0]);
            return true;
        }
        String payload = new String(response.body(), StandardCharsets.UTF_8);
        if (payload.equals(EXIT)) return false;
        if (payload.equals(HANG)) return true;
        counter++;
        ask("POST", INVOCATION + response.header("Lambda-Runtime-Aws-Request-Id") + "/response",
                (payload + "#" + counter).getBytes(StandardCharsets.UTF_8));
        return true;
    }

    /** A request of the function: remembered until answered, sent now if the relay is connected. */
    private void ask(String method, String target, byte[] body) {
        int id = ++lastRequestId;
        Frame request = new Frame("REQUEST " + id + " " + method + " " + target, Map.of(), body);
        unanswered.put(id, request);
        if (connection == null) return;
        try {
            connection.send(request);
        } catch (IOException e) {
            connection.close(); // re-sent after the reconnect
        }
    }

    private synchronized void disconnect(FakeRelay relay) {
        if (connection == relay) connection = null;
        relay.close();
    }

    /** Waits while frozen; false once killed. */
    private synchronized boolean runnable() {
        while (frozen && !killed) {
            try {
                wait();
            } catch (InterruptedException e) {
                return false;
            }
        }
        return !killed;
    }

    private static void pauseBeforeRetry() {
        try {
            Thread.sleep(5); // the relay's own retry interval
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
