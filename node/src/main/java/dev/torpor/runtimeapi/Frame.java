package dev.torpor.runtimeapi;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One message of the relay channel (see init/PROTOCOL.md): a start line, headers, a body. */
public record Frame(String startLine, Map<String, String> headers, byte[] body) {

    public Frame {
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        headers = lower;
    }

    public static Frame of(String startLine) {
        return new Frame(startLine, Map.of(), new byte[0]);
    }

    /** The words of the start line; the last word may hold spaces (a reason phrase, a path never does). */
    public List<String> words(int limit) {
        return List.of(startLine.split(" ", limit));
    }

    public String verb() {
        return words(2).getFirst();
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    byte[] encode() {
        StringBuilder head = new StringBuilder(startLine).append('\n');
        headers.forEach((k, v) -> {
            if (!k.equals("content-length")) head.append(k).append(": ").append(v).append('\n');
        });
        if (body.length > 0) head.append("content-length: ").append(body.length).append('\n');
        head.append('\n');
        byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }
}
