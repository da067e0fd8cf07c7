package dev.torpor.events;

import java.util.Optional;

/** Publishes a function's answer to its MQTT trigger's reply topic once the event is delivered. */
final class MqttReplies implements FunctionDelivery.Outcomes {
    private static final System.Logger LOG = System.getLogger("torpor.mqtt");
    private static final String PREFIX = Trigger.MQTT + ":";

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
            triggers.connection().get().publish(t.replyTopic(), delivered.result().payload(), t.qos());
            triggers.replied(t, null);
        } catch (Exception e) {
            // The event was handled; its answer is what is lost, and the trigger's state says so.
            LOG.log(System.Logger.Level.WARNING, "the answer to event " + event.id() + " was not published to " + t.replyTopic() + ": " + e);
            triggers.replied(t, e);
        }
    }

    @Override
    public void dropped(QueuedEvent event, EventInvokeConfig config, RetryPolicy.Drop drop) {
        // a failed event has no answer to publish; OnFailure destinations record it
    }
}
