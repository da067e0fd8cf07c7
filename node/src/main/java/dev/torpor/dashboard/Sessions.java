package dev.torpor.dashboard;

import dev.torpor.auth.SigV4;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a browser, which cannot sign SigV4, gets into the dashboard of a node with keys: a signed API call asks for a
 * one-time login token (what {@code torpor ui} prints as a link), and the browser trades it once, within
 * {@link #LINK_TTL}, for a session id kept in an HttpOnly cookie. Both are random and live only in this node's memory
 * (a restart logs every browser out); they are kept by their SHA-256, so a lookup reveals nothing through its timing
 * and a heap dump holds no usable token.
 */
public final class Sessions {
    public static final Duration LINK_TTL = Duration.ofMinutes(2);
    public static final Duration SESSION_TTL = Duration.ofHours(12);
    /** Past this many live sessions the oldest is ended: a key holder looping on login links cannot fill the heap. */
    static final int MAX_SESSIONS = 64;

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    /** Token hash → expiry, oldest first. */
    private final Map<String, Instant> links = new LinkedHashMap<>();
    private final Map<String, Instant> sessions = new LinkedHashMap<>();

    public Sessions(Clock clock) {
        this.clock = clock;
    }

    /** A new one-time login token, good for {@link #LINK_TTL}. */
    public synchronized String newLoginToken() {
        return remember(links, LINK_TTL);
    }

    /** Trades a login token for a new session id; empty when the token is unknown, used already or expired. */
    public synchronized Optional<String> redeem(String loginToken) {
        Instant expiry = links.remove(hash(loginToken));
        if (expiry == null || !clock.instant().isBefore(expiry)) return Optional.empty();
        return Optional.of(remember(sessions, SESSION_TTL));
    }

    /** Whether the id names a session that has not expired. */
    public synchronized boolean valid(String sessionId) {
        Instant expiry = sessions.get(hash(sessionId));
        return expiry != null && clock.instant().isBefore(expiry);
    }

    private String remember(Map<String, Instant> into, Duration ttl) {
        Instant now = clock.instant();
        into.values().removeIf(expiry -> !now.isBefore(expiry));
        while (into.size() >= MAX_SESSIONS) into.remove(into.keySet().iterator().next());
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        into.put(hash(token), now.plus(ttl));
        return token;
    }

    private static String hash(String token) {
        return SigV4.hex(SigV4.sha256().digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}
