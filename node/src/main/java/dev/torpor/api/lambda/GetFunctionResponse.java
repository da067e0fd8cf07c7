package dev.torpor.api.lambda;

import dev.torpor.function.FunctionDefinition;
import java.util.Map;

/** The answer of Lambda's GetFunction. */
@LambdaShape
public record GetFunctionResponse(
        FunctionConfiguration configuration, CodeLocation code, Map<String, String> tags, Concurrency concurrency) {

    /** Where the code can be downloaded; Lambda says S3 or ECR, Torpor serves it itself. */
    @LambdaShape
    public record CodeLocation(String repositoryType, String location) {}

    /** {@code codeLocation} is the URL the caller serves the function's zip at. */
    public static GetFunctionResponse of(FunctionDefinition function, String region, String account, String codeLocation) {
        return new GetFunctionResponse(
                FunctionConfiguration.of(function, region, account),
                new CodeLocation("Torpor", codeLocation),
                function.tags().isEmpty() ? null : function.tags(),
                function.reservedConcurrency() != FunctionDefinition.UNRESERVED ? new Concurrency(function.reservedConcurrency()) : null);
    }
}
