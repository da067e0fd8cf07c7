package dev.torpor.api;

import com.sun.net.httpserver.HttpExchange;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.function.FunctionNames;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One HTTP request as the handlers see it: path groups, query, headers, and a body read within a limit. */
public final class Request {
    private final HttpExchange exchange;
    private final Matcher path;
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,254}");
    private final Map<String, String> query;
    private final Members members;

    Request(HttpExchange exchange, Matcher path, Members members) {
        this.exchange = exchange;
        this.path = path;
        this.members = members;
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    }

    /**
     * Refuses (NOT_A_MEMBER) a caller outside the cluster on a node with a cluster certificate: for a request that
     * says it comes from another node on a route clients use too. The member's node id; empty without certificates.
     */
    public Optional<String> requireMember() {
        return members.require(exchange);
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    /** A named group of the route's path pattern, URL-decoded. */
    public String pathParam(String name) {
        return URLDecoder.decode(path.group(name), StandardCharsets.UTF_8);
    }

    /** The {@code id} path parameter: an instance id also names directories on the node, so never "." or "..". */
    public String instanceId() {
        String id = pathParam("id");
        if (!INSTANCE_ID.matcher(id).matches()) {
            throw TorporException.invalid("'" + id + "' is not an instance id: it must match " + INSTANCE_ID.pattern());
        }
        return id;
    }

    /** The {@code name} path parameter: a function's name or ARN, as Lambda takes it; its bare name. */
    public String functionName() {
        return FunctionNames.fromNameOrArn(pathParam("name"));
    }

    /** Absent: null. */
    public String query(String name) {
        return query.get(name);
    }

    public String requiredQuery(String name) {
        String value = query.get(name);
        if (value == null || value.isEmpty()) throw TorporException.invalid("query parameter " + name + " is required");
        return value;
    }

    /** An integer query parameter in {@code min..max}, null when absent; anything else is INVALID_PARAMETER. */
    public Integer queryInt(String name, int min, int max) {
        String value = query.get(name);
        return value == null ? null : (int) inRange("query parameter " + name, value, min, max);
    }

    public long requiredQueryLong(String name, long min, long max) {
        return inRange("query parameter " + name, requiredQuery(name), min, max);
    }

    /** A number a caller wrote, read whole: "12abc", "1.5" and out-of-range values are refused, not cut or wrapped. */
    static long inRange(String what, String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw TorporException.invalid(what + " must be a whole number, not '" + value + "'");
        }
        if (n < min || n > max) throw TorporException.invalid(what + " must be in " + min + ".." + max + ", not " + n);
        return n;
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
        if (declared != null && Long.parseLong(declared.strip()) > limit) { // the JDK server refused a malformed one
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
