package dev.torpor.events;

import java.nio.file.Path;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;

/**
 * {@link MqttConnection} on Eclipse Paho (MQTT 3.1.1): a persistent session ({@code cleanSession=false}) under a client
 * id that stays the node's across restarts, manual acknowledgements, and Paho's file persistence under the node's
 * data for QoS 1 messages in flight. Reconnecting is the caller's ({@link MqttTriggers}), so a broker that is down
 * when the node starts is retried too, which Paho's automatic reconnect does not do.
 */
public final class PahoConnection implements MqttConnection {
    private final MqttClient client;
    private final MqttConnectOptions options = new MqttConnectOptions();

    /** The node's connection, if it was given a broker: its client id is the node's, so its session outlives restarts. */
    public static java.util.Optional<MqttConnection> of(java.util.Optional<MqttSettings> settings, String nodeId, Path persistenceDir) {
        return settings.map(s -> {
            try {
                return new PahoConnection(s, "torpor-" + nodeId, persistenceDir);
            } catch (MqttException e) {
                throw dev.torpor.TorporException.invalid("--mqtt-broker " + s.brokerUrl() + ": " + e.getMessage());
            }
        });
    }

    private PahoConnection(MqttSettings settings, String clientId, Path persistenceDir) throws MqttException {
        client = new MqttClient(settings.brokerUrl(), clientId, new MqttDefaultFilePersistence(persistenceDir.toString()));
        client.setManualAcks(true);
        options.setCleanSession(false);
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        options.setMaxInflight(100);
        settings.username().ifPresent(options::setUserName);
        settings.password().ifPresent(p -> options.setPassword(p.toCharArray()));
        if (settings.brokerUrl().startsWith("ssl://")) options.setSocketFactory(MqttTls.socketFactory(settings));
    }

    @Override
    public synchronized void connect(Listener listener) throws MqttException {
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                listener.lost(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                listener.arrived(new Message(topic, m.getPayload(), m.getQos(), m.isRetained(), m));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // replies are published at QoS 0 or 1 and not awaited: nothing to do
            }
        });
        client.connect(options);
    }

    @Override
    public boolean connected() {
        return client.isConnected();
    }

    @Override
    public void subscribe(String filter, int qos) throws MqttException {
        client.subscribe(filter, qos);
    }

    @Override
    public void unsubscribe(String filter) throws MqttException {
        client.unsubscribe(filter);
    }

    @Override
    public void ack(Message message) throws MqttException {
        MqttMessage m = (MqttMessage) message.handle();
        client.messageArrivedComplete(m.getId(), m.getQos());
    }

    @Override
    public void publish(String topic, byte[] payload, int qos) throws MqttException {
        client.publish(topic, payload, qos, false);
    }

    @Override
    public synchronized void disconnect() {
        try {
            if (client.isConnected()) client.disconnect();
        } catch (MqttException e) {
            try {
                client.disconnectForcibly(0, 0);
            } catch (MqttException ignored) {
                // already gone: the next connect starts afresh
            }
        }
    }

    @Override
    public void close() {
        disconnect();
        try {
            client.close(true);
        } catch (MqttException e) {
            // closing a client that never connected; nothing is held
        }
    }
}
