package dev.torpor.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.cluster.Membership;
import dev.torpor.cluster.PeerNode;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.NetworkMode;
import dev.torpor.function.SuspendPolicy;
import dev.torpor.lifecycle.InstanceManager;
import dev.torpor.lifecycle.Deployments;
import dev.torpor.metrics.NodeMetrics;
import dev.torpor.runtime.RuntimeVersions;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The node's own endpoints: what it is, Prometheus metrics, and a function's suspend policy. */
final class NodeHandler {
    private final Membership membership;
    private final String version;
    private final InstanceManager instances;
    private final Deployments deployments;
    private final NodeMetrics metrics;

    NodeHandler(Membership membership, String version, InstanceManager instances, Deployments deployments, NodeMetrics metrics) {
        this.membership = membership;
        this.version = version;
        this.instances = instances;
        this.deployments = deployments;
        this.metrics = metrics;
    }

    void register(Router router) {
        router.add("GET", "/torpor/v1/node", r -> Response.json(200, info()))
                .add("GET", "/metrics", r -> new Response(200, Map.of("Content-Type", "text/plain; version=0.0.4; charset=utf-8"), metrics.scrape()))
                .add("GET", "/torpor/v1/functions/(?<name>[^/]+)/policy", r -> Response.json(200, PolicyView.of(deployments.get(r.functionName()))))
                .add("PUT", "/torpor/v1/functions/(?<name>[^/]+)/policy", this::setPolicy);
    }

    NodeInfo info() {
        RuntimeVersions v = instances.versions();
        return new NodeInfo(membership.selfId(), version, v.architecture(), v.kernel(), v.criu(), v.runtime(),
                instances.budget().limitBytes(), instances.budget().usedBytes(),
                instances.list().stream().mapToLong(s -> instances.residentBytes(s.id())).sum(),
                instances.list().size(), deployments.list().size(), membership.peers(), instances.migrationSupport());
    }

    /**
     * Body {@code {"suspend": "none|pause|checkpoint", "idleMs": 30000, "network": "none|outbound"}}; any field may be
     * left out.
     */
    private Response setPolicy(Request r) throws IOException {
        String name = r.functionName();
        JsonNode body = JsonBody.object(r, 64 * 1024);
        FunctionDefinition fn = deployments.get(name);
        Map<String, String> tags = new HashMap<>(fn.suspendPolicy().toTags());
        if (body.has("suspend")) tags.put(SuspendPolicy.SUSPEND_TAG, body.get("suspend").asText());
        if (body.has("idleMs")) tags.put(SuspendPolicy.IDLE_MS_TAG, body.get("idleMs").asText());
        String network = body.has("network") ? body.get("network").asText() : fn.networkMode().tagValue();
        SuspendPolicy policy = SuspendPolicy.fromTags(tags);
        NetworkMode mode = NetworkMode.fromTags(Map.of(NetworkMode.TAG, network));
        return Response.json(200, PolicyView.of(deployments.setPolicy(name, policy, mode)));
    }
}
