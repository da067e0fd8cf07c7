package dev.torpor.api.lambda;

import dev.torpor.function.FunctionDefinition;
import dev.torpor.function.FunctionNames;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;

/** Lambda's view of a function, as GetFunction, CreateFunction, ListFunctions and the Update calls return it. */
@LambdaShape
public record FunctionConfiguration(
        String functionName,
        String functionArn,
        String runtime,
        String role,
        String handler,
        long codeSize,
        String description,
        int timeout,
        int memorySize,
        String lastModified,
        String codeSha256,
        String version,
        Environment environment,
        String revisionId,
        String state,
        String lastUpdateStatus,
        String lastUpdateStatusReason,
        String packageType,
        List<String> architectures) {

    /** Lambda's own format, e.g. {@code 2026-11-22T11:01:19.000+0000}. */
    private static final DateTimeFormatter LAST_MODIFIED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);

    /** The same view, saying why the update it answers is not all in effect yet. */
    public FunctionConfiguration withLastUpdateStatusReason(String reason) {
        return new FunctionConfiguration(functionName, functionArn, runtime, role, handler, codeSize, description, timeout,
                memorySize, lastModified, codeSha256, version, environment, revisionId, state, lastUpdateStatus, reason,
                packageType, architectures);
    }

    /**
     * The function as Lambda in {@code region} under {@code account} would show it. Functions are Active as soon as
     * they exist, since a node prepares nothing before the first invoke. The role is a placeholder: a node has no
     * IAM and does not keep the role it was given.
     */
    public static FunctionConfiguration of(FunctionDefinition function, String region, String account) {
        return new FunctionConfiguration(
                function.name(),
                "arn:aws:lambda:" + region + ":" + account + ":function:" + function.name(),
                function.runtime(),
                "arn:aws:iam::" + account + ":role/torpor",
                function.handler(),
                function.codeSize(),
                Objects.requireNonNullElse(function.description(), ""),
                function.timeoutSeconds(),
                function.memoryMiB(),
                LAST_MODIFIED.format(function.lastModified()),
                function.codeSha256(),
                FunctionNames.LATEST,
                function.environment().isEmpty() ? null : new Environment(function.environment()),
                function.revisionId(),
                "Active",
                "Successful",
                null,
                "Zip",
                List.of(NodeArchitecture.CURRENT));
    }
}
