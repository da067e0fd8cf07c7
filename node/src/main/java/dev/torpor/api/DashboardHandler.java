package dev.torpor.api;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.dashboard.Assets;
import dev.torpor.dashboard.Sessions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard at {@code /ui/}: its files from the jar, and on a node with keys the way in for a browser, a one-time
 * login link (asked for with a signed {@code POST /torpor/v1/ui/login}, what {@code torpor ui} does) traded at
 * {@link #LOGIN} for a session cookie.
 */
final class DashboardHandler {
    static final String LOGIN = "/ui/login";
    /**
     * The page may load only its own files and call only this node; uPlot sizes its elements through inline styles.
     * The login token is in a URL: no referrer carries it anywhere.
     */
    private static final Map<String, String> PAGE_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                    + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-cache");

    private final Assets assets = new Assets();
    private final Sessions sessions;
    private final boolean checksSignatures;
    /** Over HTTPS (--tls) the cookie is marked Secure; a browser would drop a Secure cookie set over plain HTTP. */
    private final boolean https;

    DashboardHandler(Sessions sessions, boolean checksSignatures, boolean https) {
        this.sessions = sessions;
        this.checksSignatures = checksSignatures;
        this.https = https;
    }

    void register(Router router) {
        router.add("GET", "/ui", r -> redirect(302, "/ui/"))
                .add("GET", LOGIN, this::login)
                .add("GET", "/ui/(?<file>.*)", r -> file(r.pathParam("file")))
                .add("POST", "/torpor/v1/ui/login", r -> Response.json(200, Map.of("path",
                        checksSignatures ? LOGIN + "?token=" + sessions.newLoginToken() : "/ui/")));
    }

    private Response login(Request r) {
        String token = r.requiredQuery("token");
        String session = sessions.redeem(token).orElseThrow(() -> new TorporException(ErrorKind.MISSING_AUTHENTICATION,
                "This login link was used already or is older than " + Sessions.LINK_TTL.toMinutes()
                        + " minutes: ask `torpor ui` for a new one"));
        return redirect(303, "/ui/").withHeader("Set-Cookie", RequestAccess.COOKIE + "=" + session
                + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + Sessions.SESSION_TTL.toSeconds() + (https ? "; Secure" : ""));
    }

    private Response file(String name) {
        Assets.Asset a = assets.find(name).orElseThrow(() -> TorporException.notFound("The dashboard has no file " + name));
        Map<String, String> headers = new LinkedHashMap<>(PAGE_HEADERS);
        headers.put("Content-Type", a.contentType());
        return new Response(200, headers, a.bytes());
    }

    private static Response redirect(int status, String to) {
        return new Response(status, Map.of("Location", to, "Referrer-Policy", "no-referrer"), new byte[0]);
    }
}
