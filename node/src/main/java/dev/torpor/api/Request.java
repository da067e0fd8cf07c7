package dev.torpor.api;

import com.sun.net.httpserver.HttpExchange;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.function.FunctionNames;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One HTTP request as the handlers see it: path groups, query, headers, and a body read within a limit. */
public final class Request {
    private final HttpExchange exchange;
    private final Matcher path;
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,254}");
    /** Each parameter's values in order: UntagResource repeats tagKeys. */
    private final Map<String, List<String>> query;
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

    /**
     * The {@code name} path parameter: a function's name or ARN, as Lambda takes it; its bare name. A qualifier, in
     * the ARN or as the Qualifier parameter, must name a version the node keeps (NOT_FOUND otherwise, before anything
     * is done: a DeleteFunction of version 7 must never delete the function).
     */
    public String functionName() {
        String name = FunctionNames.fromNameOrArn(pathParam("name"));
        String qualifier = query("Qualifier");
        return qualifier == null ? name : FunctionNames.fromNameOrArn(name + ":" + qualifier);
    }

    /** The last value given; absent: null. */
    public String query(String name) {
        List<String> values = query.get(name);
        return values == null ? null : values.getLast();
    }

    /** Every value given, in order; absent: none. */
    public List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    public String requiredQuery(String name) {
        String value = query(name);
        if (value == null || value.isEmpty()) throw TorporException.invalid("query parameter " + name + " is required");
        return value;
    }

    /** An integer query parameter in {@code min..max}, null when absent; anything else is INVALID_PARAMETER. */
    public Integer queryInt(String name, int min, int max) {
        String value = query(name);
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

    /** The body, refused with REQUEST_TOO_LARGE past {@code limit} bytes. */
    public byte[] body(long limit, String tooLargeMessage) {
        return body(limit, ErrorKind.REQUEST_TOO_LARGE, tooLargeMessage);
    }

    /**
     * The body, refused with {@code tooLarge} past {@code limit} bytes, and never more than that kept in memory,
     * whatever Content-Length claims; what is sent beyond is drained, so the caller hears the refusal.
     */
    public byte[] body(long limit, ErrorKind tooLarge, String tooLargeMessage) {
        String declared = header("Content-Length");
        if (declared != null && Long.parseLong(declared.strip()) > limit) { // the JDK server refused a malformed one
            throw BoundedBody.refuse(exchange.getRequestBody(), new TorporException(tooLarge, tooLargeMessage));
        }
        return BoundedBody.read(exchange.getRequestBody(), limit, () -> new TorporException(tooLarge, tooLargeMessage));
    }

    /** The body as it arrives, for uploads streamed straight to disk (checkpoint images). */
    public InputStream stream() {
        return exchange.getRequestBody();
    }

    private static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return q;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            q.computeIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), key -> new ArrayList<>())
                    .add(URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return q;
    }
}
