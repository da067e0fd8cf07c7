package dev.torpor.events;

import dev.torpor.TorporException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One function's delivery loop, on a virtual thread of its own: takes the head of the function's queue, waits for
 * its retry time, delivers it, and applies what {@link RetryPolicy} decides. One event at a time, so a function sees
 * its events in the order they were accepted, a retried one before any later one.
 */
final class FunctionDelivery {
    private static final System.Logger LOG = System.getLogger("torpor.events");
    /** After a failure of the queue itself (the disk), before looking again. */
    private static final Duration STORE_FAILURE_PAUSE = Duration.ofSeconds(1);

    private final String function;
    private final EventStore store;
    private final EventTarget target;
    private final Function<String, EventInvokeConfig> configs;
    private final RetryPolicy policy;
    private final Outcomes outcomes;
    private final Clock clock;
    private final Semaphore wakeups = new Semaphore(0);
    private final Thread thread;

    /** Told of each event's end, before it leaves the queue: destinations. */
    interface Outcomes {
        void delivered(QueuedEvent event, EventInvokeConfig config, RetryPolicy.Delivered delivered);

        void dropped(QueuedEvent event, EventInvokeConfig config, RetryPolicy.Drop drop);
    }

    FunctionDelivery(String function, EventStore store, EventTarget target, Function<String, EventInvokeConfig> configs,
                     RetryPolicy policy, Outcomes outcomes, Clock clock) {
        this.function = function;
        this.store = store;
        this.target = target;
        this.configs = configs;
        this.policy = policy;
        this.outcomes = outcomes;
        this.clock = clock;
        this.thread = Thread.ofVirtual().name("events-" + function).unstarted(this::run);
    }

    FunctionDelivery start() {
        thread.start();
        return this;
    }

    /** A new event, or a changed configuration: look at the queue again. */
    void wake() {
        wakeups.release();
    }

    /** Stops after the current attempt is interrupted; the event stays queued for the next start. */
    void stop() {
        thread.interrupt();
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    step();
                } catch (TorporException e) {
                    LOG.log(System.Logger.Level.ERROR, "events of " + function + ": " + e.getMessage(), e);
                    wakeups.tryAcquire(STORE_FAILURE_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException stopping) {
            // the node is closing: whatever was not delivered stays in the queue
        }
    }

    private void step() throws InterruptedException {
        Optional<QueuedEvent> head = store.head(function);
        if (head.isEmpty()) {
            wakeups.acquire();
            wakeups.drainPermits();
            return;
        }
        QueuedEvent event = head.get();
        long wait = Duration.between(clock.instant(), event.notBefore()).toMillis();
        if (wait > 0) {
            wakeups.tryAcquire(wait, TimeUnit.MILLISECONDS); // woken early: the head is read again
            return;
        }
        EventInvokeConfig config = configs.apply(function);
        RetryPolicy.Decision decision = policy.expired(event, config, clock.instant());
        if (decision == null) decision = attempt(event, config);
        apply(event, config, decision);
    }

    private RetryPolicy.Decision attempt(QueuedEvent event, EventInvokeConfig config) throws InterruptedException {
        try {
            return policy.afterResult(event, config, target.deliver(event), clock.instant());
        } catch (TorporException failure) {
            return policy.afterFailure(event, config, failure, clock.instant());
        }
    }

    private void apply(QueuedEvent event, EventInvokeConfig config, RetryPolicy.Decision decision) {
        switch (decision) {
            case RetryPolicy.Delivered d -> {
                outcomes.delivered(event, config, d);
                store.remove(event.id());
            }
            case RetryPolicy.RetryAt r -> {
                LOG.log(System.Logger.Level.INFO, "event " + event.id() + " to " + function + " will be retried at "
                        + r.notBefore() + ": " + r.error());
                store.retryLater(event.retriedAt(r.attempts(), r.notBefore()));
            }
            case RetryPolicy.Drop d -> {
                LOG.log(System.Logger.Level.WARNING, "event " + event.id() + " to " + function + " dropped ("
                        + d.reason() + ", " + d.attempts() + " attempts): " + d.error());
                outcomes.dropped(event, config, d);
                store.drop(new DroppedEvent(event.id(), function, event.source(), event.enqueuedAt(), clock.instant(),
                        d.attempts(), d.reason().name(), d.error()));
            }
        }
    }
}
