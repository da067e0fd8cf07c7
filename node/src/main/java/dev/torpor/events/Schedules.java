package dev.torpor.events;

import dev.torpor.TorporException;
import dev.torpor.function.LambdaAccount;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Schedule triggers: each tick puts one EventBridge Scheduled Event in the function's queue. Missed ticks (the node
 * was down, or busy past a tick) are coalesced: the latest fires once, its {@code detail.missedTicks} counting the
 * others, and none before the trigger was made. The last tick fired is kept durably, so a restart knows what it missed.
 */
public final class Schedules implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("torpor.schedules");
    /** Missed ticks counted at most (rate(1 second) after a month away): past it the count says "at least". */
    private static final int MAX_COUNTED = 100_000;

    private final TriggerStore store;
    private final EventQueues queues;
    private final LambdaAccount account;
    private final Clock clock;
    private final Map<String, Trigger> schedules = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastTicks = new ConcurrentHashMap<>();
    private final Map<String, TriggerState> states = new ConcurrentHashMap<>();
    private final Semaphore changed = new Semaphore(0);
    private Thread ticker;

    public Schedules(TriggerStore store, EventQueues queues, LambdaAccount account, Clock clock) {
        this.store = store;
        this.queues = queues;
        this.account = account;
        this.clock = clock;
    }

    /** Loads the schedules (firing at once what was missed meanwhile), and ticks from then on. */
    public void start() {
        loadAll();
        ticker = Thread.ofVirtual().name("schedules").start(this::run);
    }

    /** The stored schedules, without ticking: tests then call {@link #fireDue} with the instants they choose. */
    void loadAll() {
        store.triggers().stream().filter(t -> t.type().equals(Trigger.SCHEDULE)).forEach(this::load);
    }

    public Trigger add(String function, String expression, String timeZone) {
        Trigger t = Trigger.schedule(UUID.randomUUID().toString(), function, expression, timeZone == null ? "UTC" : timeZone,
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
        store.add(t);
        load(t);
        changed.release();
        return t;
    }

    public List<Trigger> list(String function) {
        return schedules.values().stream().filter(t -> t.function().equals(function))
                .sorted(java.util.Comparator.comparing(Trigger::created)).toList();
    }

    public boolean remove(String function, String id) {
        Trigger mine = schedules.get(id);
        if (mine == null || !mine.function().equals(function) || !store.delete(function, id)) return false;
        schedules.remove(id);
        lastTicks.remove(id);
        states.remove(id);
        return true;
    }

    public TriggerState.View state(Trigger t) {
        return states.getOrDefault(t.id(), new TriggerState()).view(null);
    }

    /** When the trigger fires next; empty for a cron expression with no tick left. */
    public Optional<Instant> nextTick(Trigger t) {
        Instant last = lastTicks.get(t.id());
        return last == null ? Optional.empty() : ScheduleExpression.parse(t.expression()).next(last, t.created(), ZoneId.of(t.timeZone()));
    }

    /** Queues one event for each schedule with a tick due by {@code now}, missed ones folded in; how many were queued. */
    int fireDue(Instant now) {
        int fired = 0;
        for (Trigger t : schedules.values()) {
            ScheduleExpression e = ScheduleExpression.parse(t.expression());
            ZoneId zone = ZoneId.of(t.timeZone());
            Optional<Instant> next = nextTick(t);
            if (next.isEmpty() || next.get().isAfter(now)) continue;
            Instant latest = next.get();
            long missed = 0;
            for (Optional<Instant> n = e.next(latest, t.created(), zone); n.isPresent() && !n.get().isAfter(now) && missed < MAX_COUNTED;
                 n = e.next(latest, t.created(), zone)) {
                latest = n.get();
                missed++;
            }
            fire(t, latest, missed);
            fired++;
        }
        return fired;
    }

    private void fire(Trigger t, Instant tick, long missed) {
        TriggerState state = states.get(t.id());
        try {
            queues.enqueue(t.function(), t.source(), ScheduledEvent.of(t, tick, missed, account), null);
            state.messagesIn.incrementAndGet();
        } catch (TorporException e) {
            // A tick that cannot be queued is missed like one that came while the node was down; the state says so.
            state.lastError.set("tick " + tick + " missed: " + e.getMessage());
            LOG.log(System.Logger.Level.WARNING, "schedule " + t.id() + " of " + t.function() + ": " + state.lastError.get());
        }
        store.setLastTick(t.id(), tick);
        lastTicks.put(t.id(), tick);
    }

    private void load(Trigger t) {
        schedules.put(t.id(), t);
        states.putIfAbsent(t.id(), new TriggerState());
        lastTicks.put(t.id(), store.lastTick(t.id()).orElse(t.created()));
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    fireDue(clock.instant());
                } catch (TorporException e) {
                    LOG.log(System.Logger.Level.ERROR, "schedules: " + e.getMessage(), e);
                }
                Instant now = clock.instant();
                long wait = schedules.values().stream().map(this::nextTick).flatMap(Optional::stream)
                        .mapToLong(n -> Duration.between(now, n).toMillis()).min().orElse(Long.MAX_VALUE);
                if (wait > 0) changed.tryAcquire(Math.min(wait, Duration.ofHours(1).toMillis()), TimeUnit.MILLISECONDS);
                changed.drainPermits();
            }
        } catch (InterruptedException stopping) {
            // closing
        }
    }

    @Override
    public void close() {
        if (ticker != null) ticker.interrupt();
    }
}
