package dev.torpor.api;

import dev.torpor.lifecycle.Instance;
import dev.torpor.lifecycle.InstanceManager;
import dev.torpor.runtime.ContainerRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Torpor's own view of instances: list, one, its output, and manual checkpoint and restore. */
final class InstancesHandler {
    private static final String BASE = "/torpor/v1/instances";
    private static final String ID = "(?<id>[^/]+)";
    private final InstanceManager instances;
    private final ContainerRuntime runtime;

    InstancesHandler(InstanceManager instances, ContainerRuntime runtime) {
        this.instances = instances;
        this.runtime = runtime;
    }

    void register(Router router) {
        router.add("GET", BASE, r -> Response.json(200, page()))
                .add("GET", BASE + "/" + ID, r -> Response.json(200, view(instances.get(r.instanceId()))))
                .add("POST", BASE + "/" + ID + "/checkpoint", r -> Response.json(200, view(instances.checkpoint(r.instanceId()))))
                .add("POST", BASE + "/" + ID + "/restore", r -> Response.json(200, view(instances.restore(r.instanceId()))))
                .add("GET", BASE + "/" + ID + "/logs", this::logs);
    }

    InstanceView.Page page() {
        return new InstanceView.Page(instances.list().stream().map(this::view).toList());
    }

    private Response logs(Request r) throws IOException {
        Path file = instances.logFile(r.instanceId());
        return Response.text(200, "text/plain; charset=utf-8", Files.exists(file) ? Files.readString(file) : "");
    }

    private InstanceView view(Instance.Snapshot s) {
        return new InstanceView(s.function(), s.id(), s.state(), instances.residentBytes(s.id()), s.imageBytes(), s.since(),
                s.lastUsed(), s.invocations(), s.checkpoints(), s.restores(), s.lastError(), s.history(), s.lost(),
                runtime.address(s.id()).orElse(null));
    }
}
