package dev.torpor.api;

import com.sun.net.httpserver.HttpExchange;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.dashboard.Sessions;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may ask. A node without keys (it listens on loopback only) lets every request through. A node with keys wants
 * each one signed (SigV4), or, from the dashboard in a browser, which cannot sign, the session cookie its one-time
 * login link set: that cookie opens only what the dashboard calls, and a write through it must also carry
 * {@link #DASHBOARD_HEADER}, which no cross-site form can set (besides the cookie's SameSite=Strict).
 */
final class RequestAccess {
    static final String COOKIE = "torpor_session";
    static final String DASHBOARD_HEADER = "X-Torpor-Dashboard";
    private static final String INSTANCE = "/torpor/v1/instances/[^/]+";
    private static final String POLICY = "/torpor/v1/functions/[^/]+/policy";

    private record Call(String method, Pattern path) {}

    /** What the dashboard does, and all a session may do. */
    private static final List<Call> SESSION_SCOPE = List.of(
            new Call("GET", Pattern.compile("/ui(/.*)?")),
            new Call("GET", Pattern.compile("/metrics|/torpor/v1/(node|fleet|instances|moves)|/2015-03-31/functions/?")),
            new Call("GET", Pattern.compile(INSTANCE + "(/logs)?")),
            new Call("POST", Pattern.compile(INSTANCE + "/(checkpoint|restore|migrate)")),
            new Call("GET", Pattern.compile(POLICY)),
            new Call("GET", Pattern.compile("/torpor/v1/functions/[^/]+/triggers/?")),
            new Call("PUT", Pattern.compile(POLICY)));

    /** Empty on a node without keys. */
    private final Optional<SignedRequests> signed;
    private final Sessions sessions;

    RequestAccess(Optional<SignedRequests> signed, Sessions sessions) {
        this.signed = signed;
        this.sessions = sessions;
    }

    /** A node without keys: everyone may ask. */
    static RequestAccess open() {
        return new RequestAccess(Optional.empty(), null);
    }

    boolean checksSignatures() {
        return signed.isPresent();
    }

    /** Throws the refusal of a request its caller may not make. */
    void check(HttpExchange exchange) {
        if (signed.isEmpty()) return;
        String method = exchange.getRequestMethod(), path = exchange.getRequestURI().getRawPath();
        if (method.equals("GET") && path.equals(DashboardHandler.LOGIN)) return; // its one-time token is the credential
        Optional<String> session = cookie(exchange);
        boolean signedRequest = exchange.getRequestHeaders().containsKey("Authorization");
        if (session.isPresent() && !signedRequest) {
            if (!sessions.valid(session.get())) {
                throw refused("The dashboard's session has ended (after " + Sessions.SESSION_TTL.toHours()
                        + " hours, or when the node restarted): open a new link from `torpor ui`");
            }
            if (SESSION_SCOPE.stream().noneMatch(c -> c.method.equals(method) && c.path.matcher(path).matches())) {
                throw refused("A dashboard session may not call " + method + " " + path + "; sign the request instead");
            }
            if (!method.equals("GET") && exchange.getRequestHeaders().getFirst(DASHBOARD_HEADER) == null) {
                throw refused("A dashboard session's " + method + " must carry the " + DASHBOARD_HEADER + " header");
            }
            return;
        }
        if (path.startsWith("/ui") && !signedRequest) {
            throw refused("This node checks signatures: open its dashboard through the one-time link that "
                    + "`torpor ui --endpoint <this node>` prints");
        }
        signed.get().verify(exchange);
    }

    private static Optional<String> cookie(HttpExchange exchange) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(COOKIE)) return Optional.of(pair.substring(eq + 1).strip());
            }
        }
        return Optional.empty();
    }

    private static TorporException refused(String why) {
        return new TorporException(ErrorKind.MISSING_AUTHENTICATION, why);
    }
}
