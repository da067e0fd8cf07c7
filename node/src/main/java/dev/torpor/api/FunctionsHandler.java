package dev.torpor.api;

import dev.torpor.ErrorKind;
import dev.torpor.function.LambdaAccount;
import dev.torpor.function.FunctionDefinition;
import dev.torpor.api.lambda.Concurrency;
import dev.torpor.api.lambda.CreateFunctionRequest;
import dev.torpor.api.lambda.FunctionConfiguration;
import dev.torpor.api.lambda.GetFunctionResponse;
import dev.torpor.api.lambda.ListFunctionsResponse;
import dev.torpor.api.lambda.PutFunctionConcurrencyRequest;
import dev.torpor.api.lambda.UpdateFunctionCodeRequest;
import dev.torpor.api.lambda.UpdateFunctionConfigurationRequest;
import dev.torpor.events.TagTriggers;
import dev.torpor.lifecycle.Deployments;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** Lambda's function management API: same paths, shapes and errors as AWS, so SDKs and the CLI work unchanged. */
final class FunctionsHandler {
    /** Lambda's limits on the requests carrying a 50 MB zip inline, base64 in JSON, and its words for them. */
    private static final long CREATE_LIMIT = 70_167_211, UPDATE_CODE_LIMIT = 69_905_067;
    /** Why an instance already running does not see a new MemorySize or Environment yet. */
    static final String NEW_PROCESSES_ONLY = "MemorySize and Environment apply to the function's next new process: an "
            + "instance already running, paused or checkpointed keeps the ones it started with until it ends";
    private static final String FUNCTION = "/2015-03-31/functions/(?<name>[^/]+)";

    private final Deployments deployments;
    private final LambdaAccount account;
    private final TagTriggers triggers;

    FunctionsHandler(Deployments deployments, LambdaAccount account, TagTriggers triggers) {
        this.deployments = deployments;
        this.account = account;
        this.triggers = triggers;
    }

    void register(Router router) {
        router.add("POST", "/2015-03-31/functions/?", this::create)
                .add("GET", "/2015-03-31/functions/?", this::list)
                .add("GET", FUNCTION + "/?", r -> Response.json(200, GetFunctionResponse.of(function(r), account.region(),
                        account.accountId(), "file://" + function(r).name())))
                .add("GET", FUNCTION + "/configuration/?", r -> Response.json(200, configuration(function(r))))
                .add("PUT", FUNCTION + "/configuration/?", this::updateConfiguration)
                .add("PUT", FUNCTION + "/code/?", this::updateCode)
                .add("DELETE", FUNCTION + "/?", r -> {
                    String name = function(r).name();
                    deployments.delete(name);
                    triggers.forget(name);
                    return Response.empty(204);
                })
                .add("PUT", "/2017-10-31/functions/(?<name>[^/]+)/concurrency", this::putConcurrency)
                .add("GET", "/2019-09-30/functions/(?<name>[^/]+)/concurrency", r -> {
                    int c = function(r).reservedConcurrency();
                    return Response.json(200, c == FunctionDefinition.UNRESERVED ? Map.of() : new Concurrency(c));
                })
                .add("DELETE", "/2017-10-31/functions/(?<name>[^/]+)/concurrency", r -> {
                    setConcurrency(r, FunctionDefinition.UNRESERVED);
                    return Response.empty(204);
                });
    }

    private Response create(Request r) throws IOException {
        CreateFunctionRequest req = read(r, CreateFunctionRequest.class, CREATE_LIMIT, "CreateFunction").validated();
        FunctionDefinition fn = new FunctionDefinition(req.functionName(), req.runtime(), req.handler(),
                req.description(), req.memorySize(), req.timeout(), req.environment().variables(), req.tags(),
                FunctionDefinition.UNRESERVED, "", 0, 0, "", Instant.now());
        triggers.check(fn.name(), fn.tags()); // before anything is created: bad trigger tags leave no function behind
        FunctionDefinition created = deployments.create(fn, req.code().zipFile());
        triggers.create(created.name(), created.tags());
        return Response.json(201, configuration(created));
    }

    private Response list(Request r) {
        // Lambda's own range check, with its wording, is the page's
        Integer maxItems = r.queryInt("MaxItems", Integer.MIN_VALUE, Integer.MAX_VALUE);
        return Response.json(200, ListFunctionsResponse.page(
                deployments.list().stream().map(this::configuration).toList(), r.query("Marker"), maxItems));
    }

    private Response updateCode(Request r) throws IOException {
        UpdateFunctionCodeRequest req = read(r, UpdateFunctionCodeRequest.class, UPDATE_CODE_LIMIT, "UpdateFunctionCode").validated();
        return Response.json(200, configuration(deployments.updateCode(r.functionName(), req.revisionId(), req.zipFile())));
    }

    private Response updateConfiguration(Request r) throws IOException {
        UpdateFunctionConfigurationRequest req = read(r, UpdateFunctionConfigurationRequest.class, CREATE_LIMIT,
                "UpdateFunctionConfiguration").validated();
        FunctionDefinition changed = deployments.updateConfiguration(r.functionName(), req.revisionId(), fn -> new FunctionDefinition(fn.name(),
                Objects.requireNonNullElse(req.runtime(), fn.runtime()),
                Objects.requireNonNullElse(req.handler(), fn.handler()),
                Objects.requireNonNullElse(req.description(), fn.description()),
                Objects.requireNonNullElse(req.memorySize(), fn.memoryMiB()),
                Objects.requireNonNullElse(req.timeout(), fn.timeoutSeconds()),
                req.environment() == null ? fn.environment() : req.environment().variables(),
                fn.tags(), fn.reservedConcurrency(), fn.codeSha256(), fn.codeSize(), fn.revision(), fn.revisionId(), Instant.now()));
        FunctionConfiguration shown = configuration(changed);
        return Response.json(200, req.memorySize() == null && req.environment() == null ? shown
                : shown.withLastUpdateStatusReason(NEW_PROCESSES_ONLY));
    }

    private Response putConcurrency(Request r) throws IOException {
        PutFunctionConcurrencyRequest req = read(r, PutFunctionConcurrencyRequest.class, CREATE_LIMIT,
                "PutFunctionConcurrency").validated();
        setConcurrency(r, req.reservedConcurrentExecutions());
        return Response.json(200, new Concurrency(req.reservedConcurrentExecutions()));
    }

    private void setConcurrency(Request r, int concurrency) {
        deployments.updateConfiguration(r.functionName(), null, fn -> fn.withReservedConcurrency(concurrency, Instant.now()));
    }

    private FunctionDefinition function(Request r) {
        return deployments.get(r.functionName());
    }

    private FunctionConfiguration configuration(FunctionDefinition fn) {
        return FunctionConfiguration.of(fn, account.region(), account.accountId());
    }

    private static <T> T read(Request r, Class<T> type, long limit, String operation) throws IOException {
        return JsonBody.parse(r.body(limit, ErrorKind.CODE_TOO_LARGE,
                "Request must be smaller than " + limit + " bytes for the " + operation + " operation"), type);
    }
}
