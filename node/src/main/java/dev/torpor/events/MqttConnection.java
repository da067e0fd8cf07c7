package dev.torpor.events;

/**
 * The node's one session with its MQTT broker, as narrow as the triggers need: a persistent session (messages
 * published while the node is away wait on the broker), QoS 1 messages acknowledged only when {@link #ack} says so.
 */
public interface MqttConnection extends AutoCloseable {
    /** One message as it arrived; {@code handle} is what {@link #ack} takes back. */
    record Message(String topic, byte[] payload, int qos, boolean retained, Object handle) {}

    interface Listener {
        void arrived(Message message);

        void lost(Throwable cause);
    }

    /** Connects (the listener set first: a persistent session may deliver at once), or throws saying why not. */
    void connect(Listener listener) throws Exception;

    boolean connected();

    void subscribe(String filter, int qos) throws Exception;

    void unsubscribe(String filter) throws Exception;

    /** Acknowledges a message (PUBACK for QoS 1): only once it is durably queued. */
    void ack(Message message) throws Exception;

    void publish(String topic, byte[] payload, int qos) throws Exception;

    /** Ends the session's connection; the session itself stays on the broker. */
    void disconnect();

    @Override
    void close();
}
