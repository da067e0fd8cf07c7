package dev.torpor.api;

import com.sun.net.httpserver.HttpExchange;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;

/** One HTTP request as the handlers see it: path groups, query, headers, and a body read within a limit. */
public final class Request {
    private final HttpExchange exchange;
    private final Matcher path;
    private final Map<String, String> query;

    Request(HttpExchange exchange, Matcher path) {
        this.exchange = exchange;
        this.path = path;
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    /** A named group of the route's path pattern, URL-decoded. */
    public String pathParam(String name) {
        return URLDecoder.decode(path.group(name), StandardCharsets.UTF_8);
    }

    public String query(String name) {
        return query.get(name);
    }

    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /**
     * The body, refused with REQUEST_TOO_LARGE past {@code limit} bytes before more than that is read, whatever
     * Content-Length claims.
     */
    public byte[] body(long limit, String tooLargeMessage) {
        String declared = header("Content-Length");
        if (declared != null && Long.parseLong(declared.strip()) > limit) {
            throw new TorporException(ErrorKind.REQUEST_TOO_LARGE, tooLargeMessage);
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) throw new TorporException(ErrorKind.REQUEST_TOO_LARGE, tooLargeMessage);
            return bytes;
        } catch (IOException e) {
            throw new TorporException(ErrorKind.INVALID_REQUEST_CONTENT, "could not read the request body", e);
        }
    }

    /** The body as it arrives, for uploads streamed straight to disk (checkpoint images). */
    public InputStream stream() {
        return exchange.getRequestBody();
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return q;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            q.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return q;
    }
}
