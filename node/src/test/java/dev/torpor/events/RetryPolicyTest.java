package dev.torpor.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.torpor.TorporException;
import dev.torpor.function.InvocationResult;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final RetryPolicy policy = new RetryPolicy(Duration.ofMinutes(1));
    private final InvocationResult failed = InvocationResult.unhandled("{\"errorMessage\":\"boom\"}".getBytes());

    private static QueuedEvent event(int attempts) {
        return new QueuedEvent(1, "id-1", "fn", QueuedEvent.INVOKE, "{}".getBytes(), null, T0, attempts, T0);
    }

    @Test
    void aFunctionErrorIsRetriedAfterOneMinuteThenTwoThenDropped() {
        EventInvokeConfig config = EventInvokeConfig.DEFAULT;
        var first = (RetryPolicy.RetryAt) policy.afterResult(event(0), config, failed, T0);
        assertThat(first.notBefore()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
        assertThat(first.attempts()).isEqualTo(1);
        var second = (RetryPolicy.RetryAt) policy.afterResult(event(1), config, failed, T0);
        assertThat(second.notBefore()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
        var third = (RetryPolicy.Drop) policy.afterResult(event(2), config, failed, T0);
        assertThat(third.reason()).isEqualTo(RetryPolicy.Reason.RetriesExhausted);
        assertThat(third.attempts()).isEqualTo(3);
        assertThat(third.lastResult()).isSameAs(failed);
    }

    @Test
    void noRetriesWhenTheMaximumIsZero() {
        EventInvokeConfig none = new EventInvokeConfig(0, 3600, null, null, T0);
        assertThat(policy.afterResult(event(0), none, failed, T0)).isInstanceOf(RetryPolicy.Drop.class);
    }

    @Test
    void aSuccessIsDelivered() {
        InvocationResult ok = InvocationResult.ok("{}".getBytes());
        assertThat(policy.afterResult(event(1), EventInvokeConfig.DEFAULT, ok, T0)).isEqualTo(new RetryPolicy.Delivered(ok));
    }

    @Test
    void aThrottleIsRetriedWithoutCountingAsAnAttempt() {
        var retry = (RetryPolicy.RetryAt) policy.afterFailure(event(1), EventInvokeConfig.DEFAULT, TorporException.throttled("busy"), T0);
        assertThat(retry.attempts()).isEqualTo(1);
        assertThat(retry.error()).contains("TOO_MANY_REQUESTS");
    }

    @Test
    void aDeletedFunctionDropsItsEvents() {
        var drop = (RetryPolicy.Drop) policy.afterFailure(event(0), EventInvokeConfig.DEFAULT, TorporException.notFound("gone"), T0);
        assertThat(drop.reason()).isEqualTo(RetryPolicy.Reason.FunctionDeleted);
    }

    @Test
    void anEventPastItsAgeIsDroppedBeforeATryAndWhenItsNextTryWouldComeTooLate() {
        EventInvokeConfig minute = new EventInvokeConfig(2, 60, null, null, T0);
        assertThat(policy.expired(event(0), minute, T0.plusSeconds(59))).isNull();
        assertThat(policy.expired(event(0), minute, T0.plusSeconds(60)).reason()).isEqualTo(RetryPolicy.Reason.EventAgeExceeded);
        var late = (RetryPolicy.Drop) policy.afterResult(event(0), minute, failed, T0.plusSeconds(30));
        assertThat(late.reason()).isEqualTo(RetryPolicy.Reason.EventAgeExceeded);
    }
}
