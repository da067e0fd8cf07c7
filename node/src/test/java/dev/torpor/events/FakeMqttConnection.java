package dev.torpor.events;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A broker session in memory: the test delivers messages, and sees subscriptions, acknowledgements and publications. */
final class FakeMqttConnection implements MqttConnection {
    record Published(String topic, String payload, int qos) {}

    final Map<String, Integer> subscriptions = new ConcurrentHashMap<>();
    final List<Message> acked = new CopyOnWriteArrayList<>();
    final List<Published> published = new CopyOnWriteArrayList<>();
    volatile int connects;
    private volatile boolean up;
    private volatile boolean refuse;
    private volatile Listener listener;

    @Override
    public void connect(Listener listener) throws Exception {
        if (refuse) throw new IllegalStateException("broker unreachable");
        this.listener = listener;
        connects++;
        up = true;
    }

    /** The broker goes away (refusing connections while {@code down}) or comes back. */
    void broker(boolean down) {
        refuse = down;
        if (down && up) {
            up = false;
            listener.lost(new IllegalStateException("broker went away"));
        }
    }

    /** A message from the broker, as Paho hands it over: a throwing listener drops the connection. */
    void deliver(String topic, String payload, int qos) {
        Message m = new Message(topic, payload.getBytes(), qos, false, new Object());
        try {
            listener.arrived(m);
        } catch (RuntimeException e) {
            up = false;
            listener.lost(e);
        }
    }

    @Override
    public boolean connected() {
        return up;
    }

    @Override
    public void subscribe(String filter, int qos) {
        subscriptions.put(filter, qos);
    }

    @Override
    public void unsubscribe(String filter) {
        subscriptions.remove(filter);
    }

    @Override
    public void ack(Message message) {
        acked.add(message);
    }

    @Override
    public void publish(String topic, byte[] payload, int qos) {
        published.add(new Published(topic, new String(payload), qos));
    }

    @Override
    public void disconnect() {
        up = false;
    }

    @Override
    public void close() {
        up = false;
    }
}
