package dev.torpor.node;

import dev.torpor.metrics.NodeMetrics;
import dev.torpor.lifecycle.Deployments;
import dev.torpor.api.ApiServer;
import dev.torpor.checkpoint.CheckpointStore;
import dev.torpor.checkpoint.DirectoryCheckpointStore;
import dev.torpor.cluster.BackupReceiver;
import dev.torpor.cluster.BackupScheduler;
import dev.torpor.cluster.Failover;
import dev.torpor.cluster.Membership;
import dev.torpor.cluster.MigrationReceiver;
import dev.torpor.cluster.Migrations;
import dev.torpor.cluster.PageServing;
import dev.torpor.cluster.PartialArrivals;
import dev.torpor.cluster.PeerClient;
import dev.torpor.events.EventQueues;
import dev.torpor.events.LocalDelivery;
import dev.torpor.events.MqttTriggers;
import dev.torpor.events.PahoConnection;
import dev.torpor.events.Schedules;
import dev.torpor.cluster.UnsettledDepartures;
import dev.torpor.function.CodeStore;
import dev.torpor.function.ManagedRuntimes;
import dev.torpor.lifecycle.InstanceManager;
import dev.torpor.lifecycle.MemoryBudget;
import dev.torpor.runtime.ContainerRuntime;
import dev.torpor.runtime.oci.OciRuntimes;
import dev.torpor.auth.Authenticator;
import dev.torpor.auth.CredentialsFile;
import dev.torpor.auth.RequestSigner;
import dev.torpor.TorporException;
import dev.torpor.tls.ClusterTls;
import java.io.IOException;
import java.util.Optional;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** One running node: its database, code, runtime, instances and API, wired together. */
public final class Node implements AutoCloseable {
    public static final String VERSION = versionOf(Node.class);

    private final NodeDatabase database;
    private final InstanceManager instances;
    private final ApiServer api;
    private final BackupScheduler backupScheduler;
    private final BackupReceiver backups;
    private final Failover failover;
    private final EventDatabase eventDatabase;
    private final EventQueues events;
    private final MqttTriggers mqtt;
    private final Optional<LocalBroker> localBroker;
    private final Schedules schedules;
    private final UnsettledDepartures departures;

    private Node(NodeDatabase database, InstanceManager instances, ApiServer api, BackupScheduler backupScheduler,
                 BackupReceiver backups, Failover failover, UnsettledDepartures departures, EventDatabase eventDatabase,
                 EventQueues events, MqttTriggers mqtt, Optional<LocalBroker> localBroker, Schedules schedules) {
        this.localBroker = localBroker;
        this.departures = departures;
        this.mqtt = mqtt;
        this.schedules = schedules;
        this.failover = failover;
        this.eventDatabase = eventDatabase;
        this.events = events;
        this.database = database;
        this.instances = instances;
        this.api = api;
        this.backupScheduler = backupScheduler;
        this.backups = backups;
    }

    /** Opens the node's data, takes back what a previous run left, and starts serving. */
    public static Node start(NodeConfig config) throws IOException, InterruptedException {
        config.requireSafeListen();
        config.requirePeersMatchTls();
        Optional<CredentialsFile> keys = config.credentials().map(CredentialsFile::read);
        Optional<ClusterTls> tls = config.tls().map(ClusterTls::load);
        if (tls.isPresent() && !tls.get().nodeId().equals(config.nodeId())) {
            throw TorporException.invalid("the certificate in " + config.tls().get() + " is node " + tls.get().nodeId()
                    + "'s, not " + config.nodeId() + "'s: give --node-id " + tls.get().nodeId() + " or that node's certificate");
        }
        // The functions' root filesystem is the system's own files, public and secret-free, and must stay readable
        // to an unprivileged function: it is left as it is (nothing else can reach it through the private --data).
        DataDir.secure(config.dataDir(), config.runtimeDir().resolve("rootfs"));
        NodeDatabase db = NodeDatabase.open(config.database());
        CodeStore code = CodeStore.atRoot(config.codeDir());
        ManagedRuntimes runtimes = ManagedRuntimes.install(config.runtimeFilesDir());
        ContainerRuntime runtime = OciRuntimes.runc(config.runcBinary(), config.runtimeDir());
        CheckpointStore images = new DirectoryCheckpointStore(config.checkpointsDir());
        MemoryBudget budget = new MemoryBudget(config.memoryBudgetBytes());
        NodeMetrics metrics = new NodeMetrics(budget);
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("idle-timers").factory());
        InstanceManager instances = new InstanceManager(runtime, images, budget, db.instances(), metrics.and(new TransitionLog()), Clock.systemUTC(), timers,
                new InstanceManager.Settings(config.instancesDir(), config.account().region(), config.initTimeout(), config.admissionTimeout()),
                db.functions()::get, fn -> runtimes.launch(fn, code.codeDir(fn.name(), fn.revision())));
        metrics.watchInstances(instances::list, () -> instances.list().stream().mapToLong(s -> instances.residentBytes(s.id())).sum());
        // Before recovery could take back (checkpoint, serve) a copy that was still arriving when this node stopped.
        PartialArrivals.discard(db.moves(), runtime, images, db.instances(), db.locations());
        instances.recover();
        Deployments deployments = new Deployments(db.functions(), code, runtimes, instances);
        Membership membership = Membership.fixed(config.nodeId(), config.peers());
        PeerClient peers = new PeerClient(keys.flatMap(CredentialsFile::own)
                .map(own -> new RequestSigner(own, config.account().region(), Clock.systemUTC())), tls.map(ClusterTls::clientContext));
        Migrations migrations = new Migrations(membership, peers, instances, deployments, code, db.locations(),
                new PageServing(), runtime.migrationSupport(), db.moves());
        MigrationReceiver receiver = new MigrationReceiver(instances, deployments, images, db.locations(), peers,
                runtime.migrationSupport(), db.moves());
        BackupReceiver backups = new BackupReceiver(config.backupsDir(), deployments, db.locations(), db.leases(), config.nodeId());
        // Started before the API: a backed-up function is refused until its lease is confirmed, never served unchecked.
        Failover failover = new Failover(membership, peers, instances, db.functions(), images, backups, db.locations(),
                db.leases(), config.leaseTtl(), Clock.systemUTC(),
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("leases").factory()));
        failover.start();
        EventDatabase eventDatabase = EventDatabase.open(config.eventsDatabase());
        EventQueues events = new EventQueues(eventDatabase, new LocalDelivery(deployments, instances, failover::confirm, config.account()),
                config.account(), config.delivery(), Clock.systemUTC());
        events.start();
        metrics.watchQueues(events::allStats);
        Optional<LocalBroker> localBroker = config.mqtt().isPresent() || config.mqttPort() == 0 ? Optional.empty()
                : LocalBroker.start(LocalBroker.BINARY, config.mqttBrokerDir(), config.mqttPort());
        MqttTriggers mqtt = new MqttTriggers(PahoConnection.of(config.mqtt().or(() -> localBroker.map(LocalBroker::settings)),
                config.nodeId(), config.mqttDir()), eventDatabase, events);
        mqtt.start();
        metrics.watchMqtt(mqtt::connected);
        Schedules schedules = new Schedules(eventDatabase, events, config.account(), Clock.systemUTC());
        schedules.start();
        BackupScheduler backupScheduler = new BackupScheduler(membership, failover::backupTarget, peers, instances, db.functions(), code,
                new DirectoryCheckpointStore(config.backupStagingDir()),
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("backups").factory()), Clock.systemUTC());
        ApiServer api = new ApiServer(config.listen(), keys.map(k -> new Authenticator(k, Clock.systemUTC())), tls, VERSION, config.account(), deployments, instances, runtime, metrics,
                membership, peers, migrations, receiver, backups, failover, events, mqtt, schedules, backupScheduler::underWay);
        UnsettledDepartures departures = new UnsettledDepartures(db.moves(), db.locations(), membership, peers, instances,
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("departures").factory()));
        departures.start(); // before the API: a function whose move is unsettled is not served from the copy here
        api.start();
        backupScheduler.start();
        return new Node(db, instances, api, backupScheduler, backups, failover, departures, eventDatabase, events, mqtt, localBroker, schedules);
    }

    public InetSocketAddress address() {
        return api.address();
    }

    public InstanceManager instances() {
        return instances;
    }

    /** Stops serving and checkpoints idle instances, so the next start finds their state on disk. */
    @Override
    public void close() {
        backupScheduler.close();
        failover.close();
        departures.close();
        api.close();
        mqtt.close();
        localBroker.ifPresent(LocalBroker::close);
        schedules.close();
        events.close();
        backups.close();
        instances.shutdown();
        eventDatabase.close();
        database.close();
    }

    private static String versionOf(Class<?> c) {
        String v = c.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }
}
