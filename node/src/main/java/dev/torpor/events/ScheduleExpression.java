package dev.torpor.events;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronConstraintsFactory;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.torpor.TorporException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EventBridge schedule expression: {@code rate(5 minutes)} (minute, hour, day; and, Torpor's own, second) counted
 * from an anchor, or {@code cron(0/5 * * * ? *)}: minutes, hours, day of month, month, day of week, year, with
 * EventBridge's {@code ? L W #}, parsed by cron-utils and read in the schedule's time zone.
 */
final class ScheduleExpression {
    private static final Pattern RATE = Pattern.compile("rate\\((\\d{1,9}) (second|minute|hour|day)s?\\)");
    private static final Pattern CRON = Pattern.compile("cron\\((.+)\\)");
    /** EventBridge's cron: Quartz's without seconds, one of day-of-month and day-of-week a '?'. */
    private static final CronDefinition EVENTBRIDGE = CronDefinitionBuilder.defineCron()
            .withMinutes().withValidRange(0, 59).withStrictRange().and()
            .withHours().withValidRange(0, 23).withStrictRange().and()
            .withDayOfMonth().withValidRange(1, 31).supportsL().supportsW().supportsLW().supportsQuestionMark().and()
            .withMonth().withValidRange(1, 12).and()
            .withDayOfWeek().withValidRange(1, 7).withMondayDoWValue(2).supportsHash().supportsL().supportsQuestionMark().and()
            .withYear().withValidRange(1970, 2199).and()
            .withCronValidation(CronConstraintsFactory.ensureEitherDayOfWeekOrDayOfMonth())
            .instance();

    private final Duration rate;
    private final ExecutionTime cron;

    private ScheduleExpression(Duration rate, ExecutionTime cron) {
        this.rate = rate;
        this.cron = cron;
    }

    /** @throws TorporException INVALID_PARAMETER saying what EventBridge would take */
    static ScheduleExpression parse(String expression) {
        if (expression == null) throw TorporException.invalid("\"expression\" is required: rate(5 minutes) or cron(0/5 * * * ? *)");
        Matcher rate = RATE.matcher(expression.strip());
        if (rate.matches()) {
            long n = Long.parseLong(rate.group(1));
            if (n < 1) throw TorporException.invalid("a rate must be at least 1, not " + expression);
            Duration unit = switch (rate.group(2)) {
                case "second" -> Duration.ofSeconds(1);
                case "minute" -> Duration.ofMinutes(1);
                case "hour" -> Duration.ofHours(1);
                default -> Duration.ofDays(1);
            };
            return new ScheduleExpression(unit.multipliedBy(n), null);
        }
        Matcher cron = CRON.matcher(expression.strip());
        if (cron.matches()) {
            try {
                Cron parsed = new CronParser(EVENTBRIDGE).parse(cron.group(1).strip());
                return new ScheduleExpression(null, ExecutionTime.forCron(parsed.validate()));
            } catch (IllegalArgumentException e) {
                throw TorporException.invalid("\"expression\" " + expression + " is not a valid EventBridge cron expression "
                        + "(minutes hours day-of-month month day-of-week year): " + e.getMessage());
            }
        }
        throw TorporException.invalid("\"expression\" must be rate(N minutes|hours|days|seconds) or cron(…), not " + expression);
    }

    /** The first tick after {@code after}: for a rate, one of {@code anchor} + k × rate. Empty when there is none. */
    Optional<Instant> next(Instant after, Instant anchor, ZoneId zone) {
        if (rate != null) {
            long elapsed = Math.max(0, Duration.between(anchor, after).toMillis());
            long k = elapsed / rate.toMillis() + 1;
            return Optional.of(anchor.plus(rate.multipliedBy(k)));
        }
        return cron.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
    }
}
