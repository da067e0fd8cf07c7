package dev.torpor.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SessionsTest {
    private Instant now = Instant.parse("2026-12-02T10:00:00Z");
    private final Sessions sessions = new Sessions(new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    });

    @Test
    void aLoginTokenGivesOneSessionOnce() {
        String token = sessions.newLoginToken();
        String session = sessions.redeem(token).orElseThrow();
        assertThat(sessions.valid(session)).isTrue();
        assertThat(sessions.redeem(token)).as("a second use").isEmpty();
        assertThat(sessions.valid(token)).as("a login token is no session").isFalse();
    }

    @Test
    void aLoginTokenExpires() {
        String token = sessions.newLoginToken();
        now = now.plus(Sessions.LINK_TTL);
        assertThat(sessions.redeem(token)).isEmpty();
    }

    @Test
    void aSessionExpires() {
        String session = sessions.redeem(sessions.newLoginToken()).orElseThrow();
        now = now.plus(Sessions.SESSION_TTL).minus(Duration.ofSeconds(1));
        assertThat(sessions.valid(session)).isTrue();
        now = now.plus(Duration.ofSeconds(1));
        assertThat(sessions.valid(session)).isFalse();
    }

    @Test
    void theOldestSessionsEndPastTheLimit() {
        String first = sessions.redeem(sessions.newLoginToken()).orElseThrow();
        for (int i = 0; i < Sessions.MAX_SESSIONS; i++) sessions.redeem(sessions.newLoginToken()).orElseThrow();
        assertThat(sessions.valid(first)).isFalse();
    }

    @Test
    void tokensAreUnguessablyLong() {
        assertThat(sessions.newLoginToken()).hasSize(43).matches("[A-Za-z0-9_-]+");
    }
}
