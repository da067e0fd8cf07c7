package dev.torpor.api;

import dev.torpor.TorporException;
import dev.torpor.api.lambda.FunctionEventInvokeConfig;
import dev.torpor.api.lambda.FunctionEventInvokeConfig.DestinationConfig;
import dev.torpor.api.lambda.FunctionEventInvokeConfig.OnTarget;
import dev.torpor.events.EventInvokeConfig;
import dev.torpor.events.EventQueues;
import dev.torpor.events.QueueStats;
import dev.torpor.function.FunctionNames;
import dev.torpor.function.LambdaAccount;
import dev.torpor.lifecycle.Deployments;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Lambda's asynchronous invocation configuration (Put/Update/Get/Delete/ListFunctionEventInvokeConfig), and Torpor's
 * view of a function's queue: its depth, its oldest event, what is being retried and what was dropped.
 */
final class EventInvokeConfigHandler {
    private static final String CONFIG = "/2019-09-25/functions/(?<name>[^/]+)/event-invoke-config";
    private static final long MAX_BODY = 64 * 1024;
    /** Drops listed by the queue view, newest first. */
    private static final int DROPS_SHOWN = 100;

    private final Deployments deployments;
    private final EventQueues events;
    private final LambdaAccount account;

    EventInvokeConfigHandler(Deployments deployments, EventQueues events, LambdaAccount account) {
        this.deployments = deployments;
        this.events = events;
        this.account = account;
    }

    void register(Router router) {
        router.add("PUT", CONFIG + "/?", r -> put(r, name -> EventInvokeConfig.DEFAULT))
                .add("POST", CONFIG + "/?", r -> put(r, events::config))
                .add("GET", CONFIG + "/?", r -> Response.json(200, shape(function(r), stored(function(r)))))
                .add("GET", CONFIG + "/list/?", r -> {
                    String name = function(r);
                    List<FunctionEventInvokeConfig> all = events.storedConfig(name).map(c -> List.of(shape(name, c))).orElse(List.of());
                    return Response.json(200, Map.of("FunctionEventInvokeConfigs", all));
                })
                .add("DELETE", CONFIG + "/?", r -> {
                    String name = function(r);
                    if (!events.deleteConfig(name)) throw missing(name);
                    return Response.empty(204);
                })
                .add("GET", "/torpor/v1/functions/(?<name>[^/]+)/events/?", r -> Response.json(200, queue(function(r))));
    }

    /** Put replaces the whole configuration (absent fields take Lambda's defaults); Update changes only what it names. */
    private Response put(Request r, Function<String, EventInvokeConfig> base) throws IOException {
        String name = function(r);
        FunctionEventInvokeConfig req = JsonBody.read(r, MAX_BODY, "Request must be smaller than " + MAX_BODY + " bytes", FunctionEventInvokeConfig.class);
        EventInvokeConfig old = base.apply(name);
        DestinationConfig d = req.destinationConfig();
        EventInvokeConfig config = new EventInvokeConfig(
                Objects.requireNonNullElse(req.maximumRetryAttempts(), old.maximumRetryAttempts()),
                Objects.requireNonNullElse(req.maximumEventAgeInSeconds(), old.maximumEventAgeSeconds()),
                d == null ? old.onSuccess() : destination(d.onSuccess()),
                d == null ? old.onFailure() : destination(d.onFailure()),
                Instant.now());
        events.putConfig(name, config);
        return Response.json(200, shape(name, config));
    }

    /** Torpor sends invocation records to functions only (no SQS, SNS or EventBridge on a device): their ARNs. */
    private static String destination(OnTarget target) {
        if (target == null || target.destination() == null || target.destination().isEmpty()) return null;
        String arn = target.destination();
        if (!arn.startsWith("arn:") || !arn.contains(":function:")) {
            throw TorporException.invalid("The destination " + arn + " is not supported: Torpor sends invocation records "
                    + "to Lambda functions only (arn:aws:lambda:REGION:ACCOUNT:function:NAME)");
        }
        FunctionNames.fromNameOrArn(arn);
        return arn;
    }

    private EventInvokeConfig stored(String name) {
        return events.storedConfig(name).orElseThrow(() -> missing(name));
    }

    private TorporException missing(String name) {
        return TorporException.notFound("The function " + account.functionArn(name) + " doesn't have an EventInvokeConfig");
    }

    private FunctionEventInvokeConfig shape(String name, EventInvokeConfig c) {
        return new FunctionEventInvokeConfig(c.lastModified().toEpochMilli() / 1000.0, account.functionArn(name) + ":$LATEST",
                c.maximumRetryAttempts(), c.maximumEventAgeSeconds(),
                new DestinationConfig(new OnTarget(c.onSuccess()), new OnTarget(c.onFailure())));
    }

    private Map<String, Object> queue(String name) {
        QueueStats s = events.stats(name);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("function", name);
        view.put("depth", s.depth());
        view.put("oldestAgeSeconds", s.oldestAge(Instant.now()).toMillis() / 1000.0);
        view.put("retrying", s.retrying());
        view.put("dropped", s.dropped());
        view.put("recentDrops", events.dropped(name, DROPS_SHOWN));
        return view;
    }

    private String function(Request r) {
        return deployments.get(r.functionName()).name();
    }
}
