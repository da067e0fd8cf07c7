package dev.torpor.api;

import dev.torpor.function.LambdaAccount;
import com.sun.net.httpserver.HttpServer;
import dev.torpor.cluster.Membership;
import dev.torpor.cluster.MigrationReceiver;
import dev.torpor.cluster.BackupReceiver;
import dev.torpor.cluster.Failover;
import dev.torpor.cluster.Migrations;
import dev.torpor.cluster.PeerClient;
import dev.torpor.lifecycle.InstanceManager;
import dev.torpor.lifecycle.Deployments;
import dev.torpor.metrics.NodeMetrics;
import dev.torpor.auth.Authenticator;
import dev.torpor.dashboard.Sessions;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The node's HTTP API on the JDK's own server, one virtual thread per request (an invocation may wait for a
 * restore or for its function): the Lambda management and Invoke API, and Torpor's endpoints.
 */
public final class ApiServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    public ApiServer(InetSocketAddress listen, Optional<Authenticator> authenticator, String version, LambdaAccount account, Deployments deployments,
                     InstanceManager instances, NodeMetrics metrics, Membership membership, PeerClient peers,
                     Migrations migrations, MigrationReceiver receiver, BackupReceiver backups, Failover failover) throws IOException {
        Sessions sessions = new Sessions(Clock.systemUTC());
        RequestAccess access = new RequestAccess(authenticator.map(SignedRequests::new), sessions);
        Router router = new Router(access);
        new FunctionsHandler(deployments, account).register(router);
        new InvokeHandler(deployments, instances, migrations, failover, new InvocationForwarder(membership.selfId(), peers), account).register(router);
        InstancesHandler instancesHandler = new InstancesHandler(instances);
        instancesHandler.register(router);
        NodeHandler nodeHandler = new NodeHandler(membership, version, instances, deployments, metrics);
        nodeHandler.register(router);
        new FleetHandler(membership, peers, nodeHandler::info, () -> instancesHandler.page().instances()).register(router);
        new DashboardHandler(sessions, access.checksSignatures()).register(router);
        new ClusterHandler(migrations, receiver, backups, failover, migrations.pageServing(), membership).register(router);
        server = HttpServer.create(listen, 128);
        server.createContext("/", router);
        server.setExecutor(executor);
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
