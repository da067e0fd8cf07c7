package dev.torpor.events;

import dev.torpor.function.FunctionRules;
import java.time.Instant;

/**
 * Lambda's FunctionEventInvokeConfig: how often a failed event is retried, how old an event may grow before it is
 * dropped, and where a record of each outcome goes ({@code onSuccess} / {@code onFailure}: a function's ARN, or null).
 */
public record EventInvokeConfig(int maximumRetryAttempts, int maximumEventAgeSeconds, String onSuccess, String onFailure,
                                Instant lastModified) {
    public static final int MAX_RETRY_ATTEMPTS = 2;
    public static final int MIN_EVENT_AGE_SECONDS = 60;
    /** Six hours, Lambda's default and its maximum. */
    public static final int MAX_EVENT_AGE_SECONDS = 21_600;

    /** What a function without a configuration of its own gets, as on Lambda. */
    public static final EventInvokeConfig DEFAULT =
            new EventInvokeConfig(MAX_RETRY_ATTEMPTS, MAX_EVENT_AGE_SECONDS, null, null, Instant.EPOCH);

    /** @throws dev.torpor.TorporException INVALID_PARAMETER with Lambda's wording for a value out of its range */
    public EventInvokeConfig {
        FunctionRules.range("maximumRetryAttempts", maximumRetryAttempts, 0, MAX_RETRY_ATTEMPTS);
        FunctionRules.range("maximumEventAgeInSeconds", maximumEventAgeSeconds, MIN_EVENT_AGE_SECONDS, MAX_EVENT_AGE_SECONDS);
    }
}
