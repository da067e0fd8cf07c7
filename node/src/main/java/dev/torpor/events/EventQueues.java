package dev.torpor.events;

import dev.torpor.TorporException;
import dev.torpor.function.LambdaAccount;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's asynchronous events: each function's durable queue ({@link EventStore}) and its delivery loop
 * ({@link FunctionDelivery}). An event is acknowledged only once {@link #enqueue} has returned, that is once it is on
 * disk; it is then delivered at least once, or dropped and recorded.
 */
public final class EventQueues implements AutoCloseable {
    private final EventStore store;
    private final EventTarget target;
    private final Clock clock;
    private final DeliverySettings settings;
    private final RetryPolicy policy;
    /** Told of each event's end: destination records, MQTT replies. */
    private final List<FunctionDelivery.Outcomes> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, FunctionDelivery> deliveries = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public EventQueues(EventStore store, EventTarget target, LambdaAccount account, DeliverySettings settings, Clock clock) {
        this.store = store;
        this.target = target;
        this.clock = clock;
        this.settings = settings;
        this.policy = new RetryPolicy(settings.firstRetryDelay());
        outcomes.add(new DestinationRecords(account, (function, record) -> enqueue(function, QueuedEvent.DESTINATION, record, null)));
    }

    /** Resumes delivering what the queues held when the node stopped. */
    public void start() {
        store.functionsWithEvents().forEach(this::wake);
    }

    /**
     * Puts an event durably at the end of the function's queue.
     *
     * @return the event's stable id
     * @throws TorporException TOO_MANY_REQUESTS when the queue is full: nothing was accepted
     */
    public String enqueue(String function, String source, byte[] payload, String clientContext) {
        if (closed) throw TorporException.unavailable("the node is shutting down");
        Instant now = clock.instant();
        QueuedEvent event = new QueuedEvent(0, UUID.randomUUID().toString(), function, source, payload, clientContext, now, 0, now);
        if (!store.append(event, settings.queueLimit())) {
            throw TorporException.throttled("The asynchronous event queue of " + function + " is full ("
                    + settings.queueLimit() + " events waiting): retry later");
        }
        wake(function);
        return event.id();
    }

    public EventInvokeConfig config(String function) {
        return store.config(function).orElse(EventInvokeConfig.DEFAULT);
    }

    /** The function's own configuration, if it was given one. */
    public java.util.Optional<EventInvokeConfig> storedConfig(String function) {
        return store.config(function);
    }

    public void putConfig(String function, EventInvokeConfig config) {
        store.putConfig(function, config);
        wake(function); // a shorter maximum age may drop what waits now
    }

    public boolean deleteConfig(String function) {
        return store.deleteConfig(function);
    }

    public QueueStats stats(String function) {
        return store.stats(function);
    }

    /** Stats of every function with queued or dropped events. */
    public List<QueueStats> allStats() {
        return store.functionsWithEventsOrDrops().stream().map(store::stats).toList();
    }

    public List<DroppedEvent> dropped(String function, int limit) {
        return store.dropped(function, limit);
    }

    /** Another party to tell of each event's end, before the event leaves its queue. */
    void addOutcomes(FunctionDelivery.Outcomes more) {
        outcomes.add(more);
    }

    private final FunctionDelivery.Outcomes fanOut = new FunctionDelivery.Outcomes() {
        @Override
        public void delivered(QueuedEvent event, EventInvokeConfig config, RetryPolicy.Delivered delivered) {
            outcomes.forEach(o -> o.delivered(event, config, delivered));
        }

        @Override
        public void dropped(QueuedEvent event, EventInvokeConfig config, RetryPolicy.Drop drop) {
            outcomes.forEach(o -> o.dropped(event, config, drop));
        }
    };

    private void wake(String function) {
        if (closed) return;
        deliveries.computeIfAbsent(function, f -> new FunctionDelivery(f, store, target, this::config, policy, fanOut, clock)
                .start()).wake();
    }

    /** Stops delivering; events being delivered stay queued and are delivered again after the next start. */
    @Override
    public void close() {
        closed = true;
        deliveries.values().forEach(FunctionDelivery::stop);
    }
}
