package dev.torpor.node;

import dev.torpor.function.LambdaAccount;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import dev.torpor.cluster.PeerNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import dev.torpor.TorporException;
import dev.torpor.events.DeliverySettings;
import dev.torpor.events.MqttSettings;

/** Everything a node is started with. Everything it learns lives under {@code dataDir}. */
public record NodeConfig(
        String nodeId,
        InetSocketAddress listen,
        Path dataDir,
        long memoryBudgetBytes,
        LambdaAccount account,
        String runcBinary,
        Duration initTimeout,
        Duration admissionTimeout,
        List<PeerNode> peers,
        Duration leaseTtl,
        Optional<Path> credentials,
        boolean insecure,
        Optional<Path> tls,
        DeliverySettings delivery,
        Optional<MqttSettings> mqtt,
        int mqttPort) {

    /** Where the node's own mosquitto listens (on 127.0.0.1) when it is given no broker; 0 for none. */
    public static final int DEFAULT_MQTT_PORT = 1883;

    /** How long a backed-up function's owner may serve without renewing its lease: three renewals' worth. */
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(6);
    public static final Duration DEFAULT_INIT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_ADMISSION_TIMEOUT = Duration.ofSeconds(30);

    /** A node with no peers and the usual settings (and no broker of its own): what the demo, the benchmark and in-process tests start. */
    public static NodeConfig standalone(String nodeId, InetSocketAddress listen, Path dataDir, long memoryBudgetBytes) {
        return new NodeConfig(nodeId, listen, dataDir, memoryBudgetBytes, LambdaAccount.DEFAULT, "runc",
                DEFAULT_INIT_TIMEOUT, DEFAULT_ADMISSION_TIMEOUT, List.of(), DEFAULT_LEASE_TTL, Optional.empty(), false,
                Optional.empty(), DeliverySettings.DEFAULT, Optional.empty(), 0);
    }

    public NodeConfig withTimeouts(Duration init, Duration admission) {
        return new NodeConfig(nodeId, listen, dataDir, memoryBudgetBytes, account, runcBinary, init, admission, peers, leaseTtl,
                credentials, insecure, tls, delivery, mqtt, mqttPort);
    }

    /** The same node answering only requests signed with a key of the shared-credentials {@code file}. */
    public NodeConfig withCredentials(Path file) {
        return new NodeConfig(nodeId, listen, dataDir, memoryBudgetBytes, account, runcBinary, initTimeout, admissionTimeout,
                peers, leaseTtl, Optional.of(file), insecure, tls, delivery, mqtt, mqttPort);
    }

    /** The same node starting its own mosquitto on {@code port} (see LocalBroker). */
    public NodeConfig withLocalBroker(int port) {
        return new NodeConfig(nodeId, listen, dataDir, memoryBudgetBytes, account, runcBinary, initTimeout, admissionTimeout,
                peers, leaseTtl, credentials, insecure, tls, delivery, mqtt, port);
    }

    /** The same node delivering queued events with other settings (tests retry in milliseconds, not minutes). */
    public NodeConfig withDelivery(DeliverySettings settings) {
        return new NodeConfig(nodeId, listen, dataDir, memoryBudgetBytes, account, runcBinary, initTimeout, admissionTimeout,
                peers, leaseTtl, credentials, insecure, tls, settings, mqtt, mqttPort);

    }
                
    /**
     * A node with TLS between its peers reaches them over https and only https: a peer's plain http address would
     * send node-to-node calls, images included, to whoever answers there.
     */
    public void requirePeersMatchTls() {
        String scheme = tls.isPresent() ? "https" : "http";
        for (PeerNode p : peers) {
            if (!p.endpoint().getScheme().equals(scheme)) {
                throw TorporException.invalid("peer " + p.id() + " is at " + p.endpoint() + ", but a node "
                        + (tls.isPresent() ? "with --tls reaches its peers over https only" : "without --tls has no certificate for https"));
            }
        }
    }

    /**
     * Refuses to start a node that would trust whoever reaches it over a network: without keys, only a loopback
     * address, unless {@code insecure} was asked for.
     */
    public void requireSafeListen() {
        if (credentials.isEmpty() && !listen.getAddress().isLoopbackAddress() && !insecure) {
            throw TorporException.invalid("--listen " + listen.getHostString() + " is reachable from other machines, and "
                    + "without --credentials this node would let anyone who reaches it deploy and run code as root: give "
                    + "--credentials FILE (AWS shared-credentials format), or --insecure if that is really meant");
        }
    }

    /** Half the machine's memory: room for the rest of the device. */
    public static long defaultMemoryBudget() {
        long total = ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return total / 2;
    }

    public Path database() {
        return dataDir.resolve("torpor.db");
    }

    /** The asynchronous events' queues, a file of their own (see EventDatabase). */
    public Path eventsDatabase() {
        return dataDir.resolve("events.db");
    }

    /** Paho's store of QoS 1 messages in flight. */
    public Path mqttDir() {
        return dataDir.resolve("mqtt");
    }

    /** The node's own mosquitto: its configuration, persistence, log and pid. */
    public Path mqttBrokerDir() {
        return dataDir.resolve("mosquitto");
    }

    public Path codeDir() {
        return dataDir.resolve("code");
    }

    public Path checkpointsDir() {
        return dataDir.resolve("checkpoints");
    }

    public Path instancesDir() {
        return dataDir.resolve("instances");
    }

    /** Backups this node holds for its peers. */
    public Path backupsDir() {
        return dataDir.resolve("backups");
    }

    /** This node's own backup dumps while they are being shipped. */
    public Path backupStagingDir() {
        return dataDir.resolve("backup-staging");
    }

    /** Torpor's side of the managed runtimes, mounted into every container at /var/runtime. */
    public Path runtimeFilesDir() {
        return dataDir.resolve("runtimes");
    }

    public Path runtimeDir() {
        return dataDir.resolve("runtime");
    }
}
