package dev.torpor.api;

import dev.torpor.function.LambdaAccount;
import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.Invocation;
import dev.torpor.function.InvocationResult;
import dev.torpor.lifecycle.InstanceManager;
import dev.torpor.lifecycle.Deployments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.torpor.cluster.Failover;
import dev.torpor.cluster.Migrations;
import dev.torpor.cluster.PeerNode;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/** Lambda's Invoke: synchronous (RequestResponse), asynchronous (Event) and DryRun, with Lambda's payload limits. */
final class InvokeHandler {
    static final int SYNC_LIMIT = 6 * 1024 * 1024;
    static final int EVENT_LIMIT = 256 * 1024;
    private static final System.Logger LOG = System.getLogger("torpor.invoke");

    private final Deployments deployments;
    private final InstanceManager instances;
    private final Migrations migrations;
    private final Failover failover;
    private final InvocationForwarder forwarder;
    private final LambdaAccount account;

    InvokeHandler(Deployments deployments, InstanceManager instances, Migrations migrations, Failover failover,
                  InvocationForwarder forwarder, LambdaAccount account) {
        this.deployments = deployments;
        this.instances = instances;
        this.migrations = migrations;
        this.failover = failover;
        this.forwarder = forwarder;
        this.account = account;
    }

    void register(Router router) {
        router.add("POST", "/2015-03-31/functions/(?<name>[^/]+)/invocations", this::invoke);
    }

    private Response invoke(Request r) throws InterruptedException {
        // One node handing an invocation to another says so with its hop count: only members may.
        if (r.header(InvocationForwarder.HOPS) != null) r.requireMember();
        FunctionDefinition fn = function(r.functionName());
        String type = r.header("X-Amz-Invocation-Type") == null ? "RequestResponse" : r.header("X-Amz-Invocation-Type");
        int limit = type.equals("Event") ? EVENT_LIMIT : SYNC_LIMIT;
        byte[] payload = r.body(limit, "Request must be smaller than " + limit + " bytes for the InvokeFunction operation");
        requireJson(payload);
        // Before looking for where it lives: settling the lease may find it lives elsewhere now.
        Optional<String> fenced = failover.refusal(fn.name());
        Optional<PeerNode> elsewhere = migrations.whereIs(fn.name(), Duration.ofSeconds(fn.timeoutSeconds() + 30L));
        if (elsewhere.isPresent()) {
            return forwarder.forward(elsewhere.get(), fn.name(), type, payload, r, Duration.ofSeconds(fn.timeoutSeconds() + 60L));
        }
        if (fenced.isPresent()) throw TorporException.conflict(fenced.get());
        Invocation arrived = Invocation.of(payload.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : payload,
                Duration.ofSeconds(fn.timeoutSeconds()), account.functionArn(fn.name()),
                clientContext(r.header("X-Amz-Client-Context")));
        Invocation inv = tailLog(r.header("X-Amz-Log-Type"), type) ? arrived.withLogTail() : arrived;
        return switch (type) {
            case "RequestResponse" -> answer(instances.invoke(fn, inv, failover::confirm));
            case "Event" -> {
                Thread.ofVirtual().name("event-" + inv.requestId()).start(() -> runEvent(fn, inv));
                yield Response.empty(202);
            }
            case "DryRun" -> Response.empty(204);
            default -> throw TorporException.invalid("X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, not " + type);
        };
    }

    /** Lambda takes JSON events only; read as a stream, so a large payload is checked without building a tree of it. */
    private static void requireJson(byte[] payload) {
        try (JsonParser p = Response.JSON.createParser(payload)) {
            while (p.nextToken() != null) {
                p.skipChildren();
            }
        } catch (JsonProcessingException e) {
            throw new TorporException(ErrorKind.INVALID_REQUEST_CONTENT,
                    "Could not parse request body into json: Could not parse payload into json: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private FunctionDefinition function(String name) {
        try {
            return deployments.get(name);
        } catch (TorporException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) throw TorporException.notFound("Function not found: " + account.functionArn(name));
            throw e;
        }
    }

    /** Lambda's {@code --log-type}: None or Tail, and Tail only for a synchronous call, which has an answer to carry it. */
    private static boolean tailLog(String logType, String invocationType) {
        if (logType == null || logType.equals("None")) return false;
        if (!logType.equals("Tail")) throw TorporException.invalid("X-Amz-Log-Type must be None or Tail, not " + logType);
        return invocationType.equals("RequestResponse");
    }

    private static Response answer(InvocationResult result) {
        Response ok = new Response(200, Map.of("Content-Type", "application/json"), result.payload())
                .withHeader("X-Amz-Executed-Version", "$LATEST");
        if (result.logTail() != null) ok = ok.withHeader("X-Amz-Log-Result", Base64.getEncoder().encodeToString(result.logTail()));
        return result.functionError() == null ? ok : ok.withHeader("X-Amz-Function-Error", result.functionError());
    }

    private void runEvent(FunctionDefinition fn, Invocation inv) {
        try {
            InvocationResult result = instances.invoke(fn, inv, failover::confirm);
            if (result.functionError() != null) {
                LOG.log(System.Logger.Level.WARNING, "event " + inv.requestId() + " to " + fn.name() + " failed: "
                        + new String(result.payload(), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TorporException e) {
            LOG.log(System.Logger.Level.WARNING, "event " + inv.requestId() + " to " + fn.name() + " was not delivered: " + e.detail());
        }
    }

    /** Lambda clients send the client context base64-encoded; the runtime receives it as JSON text. */
    private static String clientContext(String header) {
        if (header == null || header.isBlank()) return null;
        try {
            return new String(Base64.getDecoder().decode(header.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw TorporException.invalid("X-Amz-Client-Context must be base64");
        }
    }
}
