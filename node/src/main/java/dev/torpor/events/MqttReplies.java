package dev.torpor.events;

import java.time.Duration;
import java.util.Optional;

/** Publishes a function's answer to its MQTT trigger's reply topic once the event is delivered. */
final class MqttReplies implements FunctionDelivery.Outcomes {
    private static final System.Logger LOG = System.getLogger("torpor.mqtt");
    private static final String PREFIX = Trigger.MQTT + ":";
    /**
     * How long an answer waits for a session being re-established: a persistent session hands over the messages
     * that waited on the broker before the client counts as connected, so their answers come a moment too early.
     */
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(10);
    private static final Duration RETRY_EVERY = Duration.ofMillis(100);

    private final MqttTriggers triggers;

    MqttReplies(MqttTriggers triggers) {
        this.triggers = triggers;
    }

    @Override
    public void delivered(QueuedEvent event, EventInvokeConfig config, RetryPolicy.Delivered delivered) {
        if (!event.source().startsWith(PREFIX)) return;
        Optional<Trigger> trigger = triggers.trigger(event.source().substring(PREFIX.length()));
        if (trigger.isEmpty() || trigger.get().replyTopic() == null || triggers.connection().isEmpty()) return;
        Trigger t = trigger.get();
        try {
            publishWhenConnected(t, delivered.result().payload());
            triggers.replied(t, null);
        } catch (Exception e) {
            // The event was handled; its answer is what is lost, and the trigger's state says so.
            LOG.log(System.Logger.Level.WARNING, "the answer to event " + event.id() + " was not published to " + t.replyTopic() + ": " + e);
            triggers.replied(t, e);
        }
    }

    private void publishWhenConnected(Trigger t, byte[] payload) throws Exception {
        long deadline = System.nanoTime() + RECONNECT_WAIT.toNanos();
        while (true) {
            try {
                triggers.connection().orElseThrow().publish(t.replyTopic(), payload, t.qos());
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(RETRY_EVERY.toMillis());
            }
        }
    }

    @Override
    public void dropped(QueuedEvent event, EventInvokeConfig config, RetryPolicy.Drop drop) {
        // a failed event has no answer to publish; OnFailure destinations record it
    }
}
