package dev.torpor.node;

import dev.torpor.function.LambdaAccount;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import dev.torpor.cluster.PeerNode;
import java.time.Duration;
import java.util.List;

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
        Duration leaseTtl) {

    /** How long a backed-up function's owner may serve without renewing its lease: three renewals' worth. */
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(6);
    public static final Duration DEFAULT_INIT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_ADMISSION_TIMEOUT = Duration.ofSeconds(30);

    /** A node with no peers and the usual settings: what the demo, the benchmark and in-process tests start. */
    public static NodeConfig standalone(String nodeId, InetSocketAddress listen, Path dataDir, long memoryBudgetBytes) {
        return new NodeConfig(nodeId, listen, dataDir, memoryBudgetBytes, LambdaAccount.DEFAULT, "runc",
                DEFAULT_INIT_TIMEOUT, DEFAULT_ADMISSION_TIMEOUT, List.of(), DEFAULT_LEASE_TTL);
    }

    public NodeConfig withTimeouts(Duration init, Duration admission) {
        return new NodeConfig(nodeId, listen, dataDir, memoryBudgetBytes, account, runcBinary, init, admission, peers, leaseTtl);
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

    public Path runtimeDir() {
        return dataDir.resolve("runtime");
    }
}
