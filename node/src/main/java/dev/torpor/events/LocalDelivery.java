package dev.torpor.events;

import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.Invocation;
import dev.torpor.function.InvocationResult;
import dev.torpor.function.LambdaAccount;
import dev.torpor.lifecycle.Deployments;
import dev.torpor.lifecycle.InstanceManager;
import dev.torpor.lifecycle.ServingGate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Delivers a queued event to its function's instance here, as a synchronous Invoke would, under the event's own id. */
public final class LocalDelivery implements EventTarget {
    private final Deployments deployments;
    private final InstanceManager instances;
    private final ServingGate gate;
    private final LambdaAccount account;

    public LocalDelivery(Deployments deployments, InstanceManager instances, ServingGate gate, LambdaAccount account) {
        this.deployments = deployments;
        this.instances = instances;
        this.gate = gate;
        this.account = account;
    }

    @Override
    public InvocationResult deliver(QueuedEvent event) throws InterruptedException {
        FunctionDefinition fn = deployments.get(event.function()); // NOT_FOUND once the function is deleted
        // The event's id is the request id the function sees, on every retry and after a restart alike.
        Invocation inv = new Invocation(event.id(), event.payload(), Duration.ofSeconds(fn.timeoutSeconds()), 0,
                account.functionArn(fn.name()), event.clientContext(), false, new CompletableFuture<>());
        return instances.invoke(fn, inv, gate);
    }
}
