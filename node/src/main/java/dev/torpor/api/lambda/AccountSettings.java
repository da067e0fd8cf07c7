package dev.torpor.api.lambda;

import dev.torpor.function.CodeStore;
import dev.torpor.function.FunctionDefinition;
import java.util.Collection;

/**
 * The answer of Lambda's GetAccountSettings for one node. The code limits are the ones the node enforces, Lambda's
 * own; the total code size is Lambda's default quota, which a node does not enforce (its disk is the limit). Its
 * concurrency is how many instances of the smallest size (128 MB) its memory budget holds.
 */
@LambdaShape
public record AccountSettings(AccountLimit accountLimit, AccountUsage accountUsage) {
    private static final long LAMBDA_TOTAL_CODE_SIZE = 80_530_636_800L;

    @LambdaShape
    public record AccountLimit(long totalCodeSize, long codeSizeUnzipped, long codeSizeZipped, int concurrentExecutions,
                               int unreservedConcurrentExecutions) {}

    @LambdaShape
    public record AccountUsage(long totalCodeSize, long functionCount) {}

    public static AccountSettings of(Collection<FunctionDefinition> functions, long memoryBudgetBytes) {
        int concurrency = (int) Math.min(Integer.MAX_VALUE,
                memoryBudgetBytes / (CreateFunctionRequest.DEFAULT_MEMORY_MIB * 1024L * 1024L));
        int reserved = functions.stream().mapToInt(f -> Math.max(0, f.reservedConcurrency())).sum();
        return new AccountSettings(
                new AccountLimit(LAMBDA_TOTAL_CODE_SIZE, CodeStore.DEFAULT_MAX_UNZIPPED_BYTES, Constraints.MAX_ZIP_BYTES,
                        concurrency, Math.max(0, concurrency - reserved)),
                new AccountUsage(functions.stream().mapToLong(FunctionDefinition::codeSize).sum(), functions.size()));
    }
}
