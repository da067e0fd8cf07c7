package dev.torpor.events;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How the node reaches its MQTT broker: {@code tcp://host:1883} or {@code ssl://host:8883}; for ssl, the CA that signed
 * the broker's certificate (else the JVM's trusted ones) and a client certificate and key (PEM, the key unencrypted
 * PKCS#8) when the broker asks for one.
 */
public record MqttSettings(String brokerUrl, Optional<String> username, Optional<String> password, Optional<Path> caFile,
                           Optional<Path> clientCertFile, Optional<Path> clientKeyFile) {}
