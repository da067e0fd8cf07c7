package dev.torpor.api;

import dev.torpor.function.LambdaAccount;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.torpor.tls.ClusterTls;
import javax.net.ssl.SSLParameters;
import dev.torpor.cluster.Membership;
import dev.torpor.cluster.MigrationReceiver;
import dev.torpor.cluster.BackupReceiver;
import dev.torpor.cluster.Failover;
import dev.torpor.cluster.Migrations;
import dev.torpor.cluster.MoveUnderWay;
import dev.torpor.cluster.PeerClient;
import dev.torpor.events.EventQueues;
import dev.torpor.events.MqttTriggers;
import dev.torpor.events.Schedules;
import dev.torpor.events.TagTriggers;
import dev.torpor.lifecycle.InstanceManager;
import dev.torpor.lifecycle.Deployments;
import dev.torpor.metrics.NodeMetrics;
import dev.torpor.runtime.ContainerRuntime;
import dev.torpor.auth.Authenticator;
import dev.torpor.dashboard.Sessions;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The node's HTTP API on the JDK's own server, one virtual thread per request (an invocation may wait for a
 * restore or for its function): the Lambda management and Invoke API, and Torpor's endpoints. With a cluster
 * certificate it is HTTPS, asking every caller for a client certificate: node-to-node routes serve members only.
 */
public final class ApiServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    public ApiServer(InetSocketAddress listen, Optional<Authenticator> authenticator, Optional<ClusterTls> tls, String version, LambdaAccount account, Deployments deployments,
                     InstanceManager instances, ContainerRuntime runtime, NodeMetrics metrics, Membership membership, PeerClient peers,
                     Migrations migrations, MigrationReceiver receiver, BackupReceiver backups, Failover failover,
                     EventQueues events, MqttTriggers triggers, Schedules schedules,
                     Supplier<List<MoveUnderWay>> backupsUnderWay) throws IOException {
        Sessions sessions = new Sessions(Clock.systemUTC());
        RequestAccess access = new RequestAccess(authenticator.map(SignedRequests::new), sessions);
        Router router = new Router(access, new Members(tls));
        new FunctionsHandler(deployments, account, new TagTriggers(triggers, schedules, events)).register(router);
        new AccountHandler(deployments, instances.budget()).register(router);
        new TagsHandler(deployments).register(router);
        new InvokeHandler(deployments, instances, migrations, failover, new InvocationForwarder(membership.selfId(), peers), account, events).register(router);
        new EventInvokeConfigHandler(deployments, events, account).register(router);
        new TriggersHandler(deployments, triggers, schedules).register(router);
        InstancesHandler instancesHandler = new InstancesHandler(instances, runtime);
        instancesHandler.register(router);
        NodeHandler nodeHandler = new NodeHandler(membership, version, instances, deployments, metrics);
        nodeHandler.register(router);
        MovesHandler moves = new MovesHandler(migrations::underWay, backupsUnderWay);
        moves.register(router);
        new FleetHandler(membership, peers, nodeHandler::info, () -> instancesHandler.page().instances(), moves::underWay).register(router);
        new DashboardHandler(sessions, access.checksSignatures(), tls.isPresent()).register(router);
        new ClusterHandler(migrations, receiver, backups, failover, migrations.pageServing(), membership).register(router);
        server = tls.isPresent() ? https(listen, tls.get()) : HttpServer.create(listen, 128);
        server.createContext("/", router);
        server.setExecutor(executor);
    }

    private static HttpsServer https(InetSocketAddress listen, ClusterTls tls) throws IOException {
        HttpsServer https = HttpsServer.create(listen, 128);
        https.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters asking = getSSLContext().getDefaultSSLParameters();
                asking.setWantClientAuth(true); // asked, not required: Lambda clients have no certificate
                params.setSSLParameters(asking);
            }
        });
        return https;
    }

    public void start() {
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
