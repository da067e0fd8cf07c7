package dev.torpor.runtimeapi;

import dev.torpor.TorporException;
import dev.torpor.function.Invocation;
import dev.torpor.function.InvocationResult;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AWS Lambda Runtime API of one instance, as it arrives through the relay. The function's
 * {@code GET …/invocation/next} is held until {@link #deliver} has an event for it; holding it is what "idle" means.
 */
public final class RuntimeApiSession implements RelayChannel.Listener {
    private static final String NEXT = "/2018-06-01/runtime/invocation/next";
    private static final Pattern ANSWER = Pattern.compile("/2018-06-01/runtime/invocation/([^/]+)/(response|error)");
    private static final String INIT_ERROR = "/2018-06-01/runtime/init/error";
    private static final int MAX_RESPONSE = 6 * 1024 * 1024;

    /** What the lifecycle hears from the function. */
    public interface Events {
        /** The function is blocked in {@code next}: it may take an event, or be suspended. */
        void waitingForEvent();

        void exited(int status);

        void initFailed(String errorType, String message);

        /** An event could not be handed to the function; it never saw it. */
        void eventLost(String why);
    }

    private final Events events;
    private String heldNext;
    private Invocation queued;
    private Invocation current;

    public RuntimeApiSession(Events events) {
        this.events = events;
    }

    /** Hands an event to the function now if it waits in {@code next}, else as soon as it asks. */
    public void deliver(Invocation invocation, RelayChannel channel) {
        String held;
        synchronized (this) {
            if (current != null || queued != null) throw new IllegalStateException("instance already has an event");
            held = heldNext;
            if (held == null) {
                queued = invocation;
                return;
            }
            heldNext = null;
            current = invocation;
        }
        sendEvent(held, invocation, channel);
    }

    /** Fails the event in flight (the function timed out or died); a late answer from it is then refused. */
    public void abandon(InvocationResult result) {
        Invocation lost;
        synchronized (this) {
            lost = current != null ? current : queued;
            current = null;
            queued = null;
        }
        if (lost != null) lost.result().complete(result);
    }

    public synchronized boolean waitingForEvent() {
        return heldNext != null && current == null && queued == null;
    }

    @Override
    public void onRequest(Frame request, RelayChannel channel) {
        var words = request.words(4);
        if (words.size() < 4) return;
        String id = words.get(1), method = words.get(2), path = words.get(3);
        if (method.equals("GET") && path.equals(NEXT)) {
            onNext(id, channel);
            return;
        }
        Matcher m = ANSWER.matcher(path);
        if (method.equals("POST") && m.matches()) {
            onAnswer(id, m.group(1), m.group(2).equals("error"), request, channel);
        } else if (method.equals("POST") && path.equals(INIT_ERROR)) {
            channel.send(RuntimeApiRenderer.accepted(id));
            events.initFailed(errorType(request), new String(request.body(), StandardCharsets.UTF_8));
        } else {
            channel.send(RuntimeApiRenderer.invalidPath(id, path));
        }
    }

    private void onNext(String relayRequestId, RelayChannel channel) {
        Invocation q;
        synchronized (this) {
            q = queued;
            if (q == null) {
                heldNext = relayRequestId;
            } else {
                queued = null;
                current = q;
            }
        }
        if (q == null) events.waitingForEvent();
        else sendEvent(relayRequestId, q, channel);
    }

    private void onAnswer(String relayRequestId, String requestId, boolean isError, Frame request, RelayChannel channel) {
        Invocation inv;
        synchronized (this) {
            inv = current != null && current.requestId().equals(requestId) ? current : null;
            if (inv != null) current = null;
        }
        if (inv == null) {
            channel.send(RuntimeApiRenderer.invalidRequestId(relayRequestId, requestId));
            return;
        }
        if (request.body().length > MAX_RESPONSE) {
            channel.send(RuntimeApiRenderer.responseTooLarge(relayRequestId, MAX_RESPONSE));
            inv.result().complete(RuntimeApiRenderer.responseTooLarge(MAX_RESPONSE));
            return;
        }
        channel.send(RuntimeApiRenderer.accepted(relayRequestId));
        inv.result().complete(isError ? InvocationResult.unhandled(request.body()) : InvocationResult.ok(request.body()));
    }

    @Override
    public void onAttached() {
        // the relay re-sends its pending next on its own
    }

    @Override
    public synchronized void onDetached() {
        heldNext = null; // the relay will ask again after it reconnects
    }

    @Override
    public void onExit(int status) {
        abandon(RuntimeApiRenderer.exitError(status));
        events.exited(status);
    }

    /**
     * Hands the event to the function. When the relay channel is closed the event never reached it: the invocation
     * fails now rather than at its timeout, and the instance, which did not get the event, is left as it was (its
     * relay asks for the next event again when it reconnects).
     */
    private void sendEvent(String relayRequestId, Invocation inv, RelayChannel channel) {
        if (channel.send(eventFrame(relayRequestId, inv))) return;
        synchronized (this) {
            if (current == inv) current = null;
        }
        String why = "event " + inv.requestId() + " could not reach the function: its relay channel is closed";
        events.eventLost(why);
        inv.result().completeExceptionally(TorporException.notReady(why));
    }

    private static Frame eventFrame(String relayRequestId, Invocation inv) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Lambda-Runtime-Aws-Request-Id", inv.requestId());
        headers.put("Lambda-Runtime-Deadline-Ms", Long.toString(inv.deadlineEpochMillis()));
        headers.put("Lambda-Runtime-Invoked-Function-Arn", inv.functionArn());
        String hex = inv.requestId().replace("-", "");
        headers.put("Lambda-Runtime-Trace-Id", "Root=1-" + hex.substring(0, 8) + "-" + hex.substring(8) + ";Sampled=0");
        if (inv.clientContext() != null) headers.put("Lambda-Runtime-Client-Context", inv.clientContext());
        return new Frame("RESPONSE " + relayRequestId + " 200 OK", headers, inv.payload());
    }

    private static String errorType(Frame request) {
        String t = request.header("Lambda-Runtime-Function-Error-Type");
        return t == null ? "Runtime.Unknown" : t;
    }
}
