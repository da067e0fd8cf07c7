package dev.torpor.events;

import dev.torpor.TorporException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * MQTT triggers: the node's session with its broker, kept connected (reconnecting with backoff and subscribing again),
 * each message turned into one event per matching trigger and put in the function's durable queue, and only then
 * acknowledged (PUBACK). A message that cannot be queued (a full queue) is not acknowledged: the session is dropped
 * and the broker delivers it again after the reconnect.
 */
public final class MqttTriggers implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("torpor.mqtt");
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration LONGEST_BACKOFF = Duration.ofMinutes(1);

    private final Optional<MqttConnection> connection;
    private final TriggerStore store;
    private final EventQueues queues;
    private final Map<String, Trigger> triggers = new ConcurrentHashMap<>();
    private final Map<String, TriggerState> states = new ConcurrentHashMap<>();
    /** Subscribing, unsubscribing and reconnecting, one at a time. */
    private final ReentrantLock session = new ReentrantLock();
    private final Semaphore reconnect = new Semaphore(0);
    private volatile String lastError;
    private volatile boolean closed;
    private Thread keeper;

    /** Without a connection the node has no broker: MQTT triggers are refused, saying how to give one. */
    public MqttTriggers(Optional<MqttConnection> connection, TriggerStore store, EventQueues queues) {
        this.connection = connection;
        this.store = store;
        this.queues = queues;
    }

    public void start() {
        store.triggers().stream().filter(t -> t.type().equals(Trigger.MQTT)).forEach(t -> {
            triggers.put(t.id(), t);
            states.put(t.id(), new TriggerState());
        });
        queues.addOutcomes(new MqttReplies(this));
        if (connection.isPresent()) keeper = Thread.ofVirtual().name("mqtt-session").start(this::keepConnected);
    }

    /** Adds a trigger durably and subscribes to its topic now if the broker is reachable, else at the next connect. */
    public Trigger add(String function, String topic, int qos, String replyTopic) {
        requireBroker();
        Trigger t = Trigger.mqtt(UUID.randomUUID().toString(), function, topic, qos, replyTopic,
                java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        store.add(t);
        states.put(t.id(), new TriggerState());
        triggers.put(t.id(), t);
        inSession(() -> {
            if (connection.get().connected()) connection.get().subscribe(t.topic(), subscribedQos(t.topic()));
        });
        return t;
    }

    /** @throws TorporException INVALID_PARAMETER when the node has no broker, so MQTT triggers could never work */
    public void requireBroker() {
        if (connection.isEmpty()) {
            throw TorporException.invalid("this node has no MQTT broker: give it one with --mqtt-broker tcp://HOST:1883, or install mosquitto for the node to start its own");
        }
    }

    public List<Trigger> list(String function) {
        return triggers.values().stream().filter(t -> t.function().equals(function))
                .sorted(java.util.Comparator.comparing(Trigger::created)).toList();
    }

    public TriggerState.View state(Trigger t) {
        return states.getOrDefault(t.id(), new TriggerState()).view(connected());
    }

    public boolean connected() {
        return connection.isPresent() && connection.get().connected();
    }

    /** Why the node is not connected, if it is not. */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** @return whether the function had that trigger; its topic is unsubscribed when no other trigger still uses it */
    public boolean remove(String function, String id) {
        Trigger mine = triggers.get(id);
        if (mine == null || !mine.function().equals(function) || !store.delete(function, id)) return false;
        Trigger gone = triggers.remove(id);
        states.remove(id);
        boolean stillUsed = triggers.values().stream().anyMatch(t -> t.topic().equals(gone.topic()));
        if (!stillUsed && connected()) inSession(() -> connection.get().unsubscribe(gone.topic()));
        return true;
    }

    Optional<Trigger> trigger(String id) {
        return Optional.ofNullable(triggers.get(id));
    }

    void replied(Trigger t, Exception failure) {
        TriggerState s = states.get(t.id());
        if (s == null) return;
        if (failure == null) {
            s.messagesOut.incrementAndGet();
        } else {
            s.lastError.set("reply to " + t.replyTopic() + " not published: " + failure.getMessage());
        }
    }

    Optional<MqttConnection> connection() {
        return connection;
    }

    /** Reconnects with doubling backoff whenever the session is lost, and subscribes every trigger's topic again. */
    private void keepConnected() {
        MqttConnection c = connection.orElseThrow();
        Duration backoff = FIRST_BACKOFF;
        try {
            while (!closed) {
                if (!c.connected()) {
                    try {
                        session.lock();
                        try {
                            c.connect(listener);
                            for (String filter : triggers.values().stream().map(Trigger::topic).distinct().toList()) {
                                c.subscribe(filter, subscribedQos(filter));
                            }
                        } finally {
                            session.unlock();
                        }
                        lastError = null;
                        backoff = FIRST_BACKOFF;
                        LOG.log(System.Logger.Level.INFO, "connected to the MQTT broker");
                    } catch (Exception e) {
                        lastError = "cannot connect to the MQTT broker: " + e;
                        LOG.log(System.Logger.Level.WARNING, lastError + "; again in " + backoff.toMillis() + " ms");
                        c.disconnect();
                        reconnect.tryAcquire(backoff.toMillis(), TimeUnit.MILLISECONDS);
                        backoff = backoff.multipliedBy(2).compareTo(LONGEST_BACKOFF) > 0 ? LONGEST_BACKOFF : backoff.multipliedBy(2);
                        continue;
                    }
                }
                reconnect.acquire();
                reconnect.drainPermits();
            }
        } catch (InterruptedException stopping) {
            // closing
        }
    }

    /** The highest QoS any trigger asks of the filter: the broker keeps one subscription per filter. */
    private int subscribedQos(String filter) {
        return triggers.values().stream().filter(t -> t.topic().equals(filter)).mapToInt(Trigger::qos).max().orElse(0);
    }

    private final MqttConnection.Listener listener = new MqttConnection.Listener() {
        @Override
        public void arrived(MqttConnection.Message m) {
            for (Trigger t : triggers.values()) {
                if (!t.matches(m.topic())) continue;
                try {
                    queues.enqueue(t.function(), t.source(), MqttEvent.of(t, m), null);
                    states.get(t.id()).messagesIn.incrementAndGet();
                } catch (TorporException e) {
                    states.get(t.id()).lastError.set(e.getMessage());
                    // Not acknowledged: Paho drops the session on a failing callback, and the broker sends the message
                    // again after the reconnect (to every trigger: duplicates, never a loss).
                    throw e;
                }
            }
            try {
                connection.orElseThrow().ack(m);
            } catch (Exception e) {
                throw new IllegalStateException("cannot acknowledge a queued message: " + e.getMessage(), e);
            }
        }

        @Override
        public void lost(Throwable cause) {
            lastError = "connection to the MQTT broker lost: " + cause;
            LOG.log(System.Logger.Level.WARNING, lastError);
            reconnect.release();
        }
    };

    @FunctionalInterface
    private interface SessionWork {
        void run() throws Exception;
    }

    private void inSession(SessionWork work) {
        session.lock();
        try {
            work.run();
        } catch (Exception e) {
            // The trigger is stored; the next (re)connect subscribes it. Say why it is not live yet.
            lastError = "MQTT: " + e.getMessage();
            LOG.log(System.Logger.Level.WARNING, lastError);
        } finally {
            session.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (keeper != null) keeper.interrupt();
        connection.ifPresent(MqttConnection::close);
    }
}
