package dev.torpor.api;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Lambda operations Torpor does not offer, by the method and path of Lambda's REST API, so a caller is told which
 * operation is missing rather than that its function is (a 404 ResourceNotFoundException reads as "function gone").
 */
final class UnsupportedOperations {
    private record Operation(String method, Pattern path, String name) {}

    /** Every Lambda API path starts with the date of its API version. */
    private static final Pattern LAMBDA_PATH = Pattern.compile("/20\\d\\d-\\d\\d-\\d\\d/.*");
    private static final String FN = "/functions/[^/]+";
    private static final List<Operation> KNOWN = Stream.of(
            at("/2015-03-31/event-source-mappings/?", "GET ListEventSourceMappings", "POST CreateEventSourceMapping"),
            at("/2015-03-31/event-source-mappings/[^/]+/?",
                    "GET GetEventSourceMapping", "PUT UpdateEventSourceMapping", "DELETE DeleteEventSourceMapping"),
            at("/2015-03-31" + FN + "/versions/?", "GET ListVersionsByFunction", "POST PublishVersion"),
            at("/2015-03-31" + FN + "/aliases/?", "GET ListAliases", "POST CreateAlias"),
            at("/2015-03-31" + FN + "/aliases/[^/]+/?", "GET GetAlias", "PUT UpdateAlias", "DELETE DeleteAlias"),
            at("/2015-03-31" + FN + "/policy/?", "GET GetPolicy", "POST AddPermission"),
            at("/2015-03-31" + FN + "/policy/[^/]+/?", "DELETE RemovePermission"),
            at("/2014-11-13" + FN + "/invoke-async/?", "POST InvokeAsync"),
            at("/2021-11-15" + FN + "/response-streaming-invocations/?", "POST InvokeWithResponseStream"),
            at("/2018-10-31/layers/?", "GET ListLayers"),
            at("/2018-10-31/layers/[^/]+/versions/?", "GET ListLayerVersions", "POST PublishLayerVersion"),
            at("/2018-10-31/layers/[^/]+/versions/[^/]+/?", "GET GetLayerVersion", "DELETE DeleteLayerVersion"),
            at("/2018-10-31/layers/[^/]+/versions/[^/]+/policy/?", "GET GetLayerVersionPolicy", "POST AddLayerVersionPermission"),
            at("/2018-10-31/layers/[^/]+/versions/[^/]+/policy/[^/]+/?", "DELETE RemoveLayerVersionPermission"),
            at("/2019-09-25" + FN + "/event-invoke-config/?", "GET GetFunctionEventInvokeConfig",
                    "PUT PutFunctionEventInvokeConfig", "POST UpdateFunctionEventInvokeConfig", "DELETE DeleteFunctionEventInvokeConfig"),
            at("/2019-09-25" + FN + "/event-invoke-config/list/?", "GET ListFunctionEventInvokeConfigs"),
            at("/2019-09-30" + FN + "/provisioned-concurrency/?", "GET GetProvisionedConcurrencyConfig",
                    "PUT PutProvisionedConcurrencyConfig", "DELETE DeleteProvisionedConcurrencyConfig"),
            at("/2021-10-31" + FN + "/url/?", "GET GetFunctionUrlConfig", "POST CreateFunctionUrlConfig",
                    "PUT UpdateFunctionUrlConfig", "DELETE DeleteFunctionUrlConfig"),
            at("/2021-10-31" + FN + "/urls/?", "GET ListFunctionUrlConfigs"),
            at("/2020-04-22/code-signing-configs/?", "GET ListCodeSigningConfigs", "POST CreateCodeSigningConfig"),
            at("/2020-04-22/code-signing-configs/[^/]+/?",
                    "GET GetCodeSigningConfig", "PUT UpdateCodeSigningConfig", "DELETE DeleteCodeSigningConfig"),
            at("/2020-06-30" + FN + "/code-signing-config/?", "GET GetFunctionCodeSigningConfig",
                    "PUT PutFunctionCodeSigningConfig", "DELETE DeleteFunctionCodeSigningConfig"),
            at("/2021-07-20" + FN + "/runtime-management-config/?", "GET GetRuntimeManagementConfig", "PUT PutRuntimeManagementConfig"),
            at("/2024-08-31" + FN + "/recursion-config/?", "GET GetFunctionRecursionConfig", "PUT PutFunctionRecursionConfig"))
            .flatMap(List::stream).toList();

    private UnsupportedOperations() {}

    /** The operations on one path, each written "METHOD Name". */
    private static List<Operation> at(String path, String... operations) {
        Pattern p = Pattern.compile(path);
        return Stream.of(operations).map(o -> new Operation(o.substring(0, o.indexOf(' ')), p, o.substring(o.indexOf(' ') + 1))).toList();
    }

    /** The refusal of a request to the Lambda API no route serves; null for a path outside it. */
    static TorporException refusal(String method, String path) {
        if (!LAMBDA_PATH.matcher(path).matches()) return null;
        String named = KNOWN.stream().filter(o -> o.method.equals(method) && o.path.matcher(path).matches())
                .map(o -> "the Lambda operation " + o.name).findFirst()
                .orElse("this Lambda operation (" + method + " " + path + ")");
        return new TorporException(ErrorKind.UNSUPPORTED_OPERATION, "Torpor does not support " + named);
    }
}
