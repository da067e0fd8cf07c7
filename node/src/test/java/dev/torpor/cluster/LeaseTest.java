package dev.torpor.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Lease decisions on both sides, on a clock the test moves: expiry, takeover, and the stale owner refused. */
@Timeout(10)
class LeaseTest {
    private static final Duration TTL = Duration.ofMillis(1500);
    private final MutableClock clock = new MutableClock();
    private final InMemoryLeaseStore store = new InMemoryLeaseStore();
    private final LeaseBook peer = new LeaseBook("edge-b", clock, store);

    @Test
    void aRenewedLeaseDoesNotExpire() {
        for (int i = 0; i < 10; i++) {
            peer.renew(renewal("counter", 1));
            clock.advance(TTL.dividedBy(3));
        }
        assertThat(peer.expired()).isEmpty();
    }

    @Test
    void aLeaseExpiresOneTtlAfterItsLastRenewal() {
        peer.renew(renewal("counter", 1));
        clock.advance(TTL);
        assertThat(peer.expired()).as("at the ttl exactly").isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(peer.expired()).containsExactly("counter");
    }

    @Test
    void aTakeoverRaisesTheEpochAndRefusesTheOldOwnerFromThenOn() {
        peer.renew(renewal("counter", 1));
        clock.advance(TTL.plusMillis(1));

        Lease taken = peer.takeOver("counter");

        assertThat(taken).as("the old owner is its peer now").isEqualTo(new Lease("counter", "edge-b", 2, TTL, "edge-a", Lease.Phase.TAKING_OVER));
        assertThat(peer.expired()).as("a lease this node owns never expires here").isEmpty();
        assertThatThrownBy(() -> peer.renew(renewal("counter", 1)))
                .isInstanceOf(TorporException.class).hasMessageContaining("edge-b at epoch 2")
                .extracting(e -> ((TorporException) e).kind()).isEqualTo(ErrorKind.CONFLICT);
        assertThatThrownBy(() -> peer.renew(renewal("counter", 2)))
                .as("the same epoch by another owner").isInstanceOf(TorporException.class);
        assertThat(peer.get("counter")).contains(taken);
    }

    @Test
    void aRestartedPeerGivesTheOwnerAFullTtlAndRemembersTakeovers() {
        peer.renew(renewal("counter", 1));
        peer.renew(renewal("other", 1));
        peer.takeOver("other");
        clock.advance(Duration.ofHours(1));

        LeaseBook restarted = new LeaseBook("edge-b", clock, store);

        assertThat(restarted.expired()).isEmpty();
        clock.advance(TTL.plusMillis(1));
        assertThat(restarted.expired()).containsExactly("counter");
        assertThatThrownBy(() -> restarted.renew(renewal("other", 1))).isInstanceOf(TorporException.class);
    }

    @Test
    void theOwnerStopsBelievingInItsLeaseOneTtlAfterSendingTheRenewal() {
        LeaseKeeper owner = new LeaseKeeper(clock);
        assertThat(owner.holds("counter")).as("before any renewal, after a restart say").isFalse();

        var sentAt = clock.instant();
        clock.advance(Duration.ofMillis(400)); // the answer took this long
        owner.renewed("counter", sentAt, TTL);
        assertThat(owner.holds("counter")).isTrue();

        clock.advance(TTL.minusMillis(400));
        assertThat(owner.holds("counter")).as("expired from the send time, before the peer's").isFalse();
    }

    @Test
    void aLostLeaseIsNotHeld() {
        LeaseKeeper owner = new LeaseKeeper(clock);
        owner.renewed("counter", clock.instant(), TTL);
        owner.lost("counter");
        assertThat(owner.holds("counter")).isFalse();
    }

    /** A renewal edge-a sends to edge-b, its backup node. */
    private static Lease renewal(String function, long epoch) {
        return new Lease(function, "edge-a", epoch, TTL, "edge-b", Lease.Phase.WATCHED);
    }
}
