package dev.torpor.cli;

import dev.torpor.function.LambdaAccount;
import dev.torpor.cluster.Lease;
import dev.torpor.cluster.PeerNode;
import dev.torpor.TorporException;
import dev.torpor.events.DeliverySettings;
import dev.torpor.events.MqttSettings;
import dev.torpor.node.ByteSize;
import dev.torpor.node.Node;
import dev.torpor.node.NodeConfig;
import dev.torpor.tls.ClusterTls;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "node", mixinStandardHelpOptions = true, subcommands = DrainCommand.class,
        description = "Run a Torpor node until stopped (SIGTERM/Ctrl-C); `torpor node drain` empties a running one.")
final class NodeCommand implements Callable<Integer> {
    @Option(names = "--listen", defaultValue = "127.0.0.1:9000", description = "host:port of the API (default ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--data", defaultValue = "/var/lib/torpor", description = "Where the node keeps everything (default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--memory-budget", description = "Function memory kept resident at most, e.g. 256MiB (default: half the RAM).")
    String memoryBudget;

    @Option(names = "--node-id", description = "This node's name (default: the host name).")
    String nodeId;

    @Option(names = "--region", defaultValue = "us-east-1", description = "Region in the ARNs the API reports.")
    String region;

    @Option(names = "--runc", defaultValue = "runc", description = "The runc binary.")
    String runc;

    @Option(names = "--peer", paramLabel = "ID=URL", description = "Another node, e.g. edge-b=http://127.0.0.2:9000 (https:// with --tls; repeatable).")
    java.util.List<String> peers = new java.util.ArrayList<>();

    @Option(names = "--lease-ttl-ms", defaultValue = "6000",
            description = "How long a backed-up function may run here without renewing its lease with its backup peer (default ${DEFAULT-VALUE}).")
    long leaseTtlMs;

    @Option(names = "--credentials", paramLabel = "FILE",
            description = "Accept only requests signed (SigV4) with a key of this AWS shared-credentials file; the node signs its calls to peers with its [default] key.")
    Path credentials;

    @Option(names = "--insecure", description = "Allow a non-loopback --listen without --credentials: anyone who reaches the port may run code as root.")
    boolean insecure;

    @Option(names = "--tls", paramLabel = "DIR",
            description = "Serve HTTPS with the node certificate of DIR (from `torpor cluster add-node`), and let only members of its cluster call node-to-node endpoints; peers are then https://.")
    Path tls;

    @Option(names = "--event-retry-delay-ms", defaultValue = "60000",
            description = "Wait before retrying a failed asynchronous event, doubled on each retry (default ${DEFAULT-VALUE}, Lambda's minute).")
    long eventRetryDelayMs;

    @Option(names = "--event-queue-limit", defaultValue = "10000",
            description = "Asynchronous events queued per function at most; past it an Invoke is refused with 429 (default ${DEFAULT-VALUE}).")
    int eventQueueLimit;

    @Option(names = "--mqtt-broker", paramLabel = "URL",
            description = "The MQTT broker of MQTT triggers: tcp://HOST:1883 or ssl://HOST:8883 (default: the node starts "
                    + "its own mosquitto, see --mqtt-port).")
    String mqttBroker;

    @Option(names = "--mqtt-port", paramLabel = "PORT", defaultValue = "" + NodeConfig.DEFAULT_MQTT_PORT,
            description = "Without --mqtt-broker: the 127.0.0.1 port of the mosquitto the node starts as its broker; 0 starts none (default ${DEFAULT-VALUE}).")
    int mqttPort;

    @Option(names = "--mqtt-username", description = "User name at the MQTT broker.")
    String mqttUsername;

    @Option(names = "--mqtt-password-file", paramLabel = "FILE", description = "A file holding the password at the MQTT broker.")
    Path mqttPasswordFile;

    @Option(names = "--mqtt-ca", paramLabel = "PEM", description = "For ssl://: the CA certificates to trust (default: the JVM's).")
    Path mqttCa;

    @Option(names = "--mqtt-cert", paramLabel = "PEM", description = "For ssl://: this node's client certificate (with --mqtt-key).")
    Path mqttCert;

    @Option(names = "--mqtt-key", paramLabel = "PEM", description = "For ssl://: this node's client key, unencrypted PKCS#8.")
    Path mqttKey;

    @Override
    public Integer call() throws Exception {
        NodeConfig config;
        try {
            config = config();
            config.requireSafeListen();
            config.requirePeersMatchTls();
            if (leaseTtlMs < 1 || leaseTtlMs > Lease.MAX_TTL.toMillis()) {
                throw TorporException.invalid("--lease-ttl-ms must be from 1 to " + Lease.MAX_TTL.toMillis() + ", not " + leaseTtlMs);
            }
        } catch (TorporException e) {
            System.err.println("torpor: " + e.getMessage());
            return ClientCommand.FAILED;
        }
        if (config.credentials().isEmpty() && !config.listen().getAddress().isLoopbackAddress()) {
            System.err.println("torpor: WARNING: --insecure: the API on " + hostPort(config.listen())
                    + " accepts unauthenticated requests from anyone who reaches it, including deploying code that runs as root.");
        }
        Node node = Node.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }));
        System.out.printf("torpor node %s listening on %s://%s, data in %s, memory budget %s%n", config.nodeId(),
                config.tls().isPresent() ? "https" : "http", hostPort(node.address()), config.dataDir(), ByteSize.format(config.memoryBudgetBytes()));
        stopped.await();
        return 0;
    }

    NodeConfig config() throws java.io.IOException {
        return new NodeConfig(
                nodeId != null ? nodeId : tls != null ? ClusterTls.load(tls).nodeId() : java.net.InetAddress.getLocalHost().getHostName(),
                parseListen(listen), data.toAbsolutePath(),
                memoryBudget != null ? ByteSize.parse(memoryBudget) : NodeConfig.defaultMemoryBudget(),
                new LambdaAccount(region, LambdaAccount.DEFAULT.accountId()), runc,
                Duration.ofSeconds(10), Duration.ofSeconds(30), peers.stream().map(PeerNode::parse).toList(),
                Duration.ofMillis(leaseTtlMs), java.util.Optional.ofNullable(credentials).map(Path::toAbsolutePath), insecure,
                java.util.Optional.ofNullable(tls).map(Path::toAbsolutePath),
                new DeliverySettings(Duration.ofMillis(eventRetryDelayMs), eventQueueLimit), mqtt(), mqttPort);
    }

    /** A password in a file, not on the command line where ps shows it to everyone. */
    private java.util.Optional<MqttSettings> mqtt() throws java.io.IOException {
        if (mqttBroker == null) return java.util.Optional.empty();
        if (!mqttBroker.startsWith("tcp://") && !mqttBroker.startsWith("ssl://")) {
            throw TorporException.invalid("--mqtt-broker must be tcp://HOST:PORT or ssl://HOST:PORT, not " + mqttBroker);
        }
        java.util.Optional<String> password = mqttPasswordFile == null ? java.util.Optional.empty()
                : java.util.Optional.of(java.nio.file.Files.readString(mqttPasswordFile).strip());
        return java.util.Optional.of(new MqttSettings(mqttBroker, java.util.Optional.ofNullable(mqttUsername), password,
                java.util.Optional.ofNullable(mqttCa), java.util.Optional.ofNullable(mqttCert), java.util.Optional.ofNullable(mqttKey)));
    }

    static InetSocketAddress parseListen(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) return new InetSocketAddress("127.0.0.1", Integer.parseInt(hostPort));
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}
