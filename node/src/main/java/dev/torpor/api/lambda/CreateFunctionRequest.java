package dev.torpor.api.lambda;

import dev.torpor.TorporException;
import dev.torpor.function.FunctionNames;
import dev.torpor.function.FunctionRules;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The body of Lambda's CreateFunction. Fields Torpor has no use for are ignored; Publish is refused, since Torpor
 * keeps only {@code $LATEST}. Role is accepted and not checked, since there is no IAM on a node.
 */
@LambdaShape
public record CreateFunctionRequest(
        String functionName,
        String runtime,
        String role,
        String handler,
        String description,
        Integer timeout,
        Integer memorySize,
        Environment environment,
        Map<String, String> tags,
        Code code,
        String packageType,
        List<String> architectures,
        Boolean publish) {

    public static final int DEFAULT_TIMEOUT_SECONDS = 3;
    public static final int DEFAULT_MEMORY_MIB = 128;

    /** Lambda's {@code Code} object; only {@code ZipFile} (base64 in JSON) is supported. */
    @LambdaShape
    public record Code(byte[] zipFile, String s3Bucket, String s3Key, String imageUri) {}

    /**
     * This request checked as Lambda checks it, with its defaults filled in and the function's bare name in place of
     * an ARN; every optional value is then non-null.
     *
     * @throws TorporException INVALID_PARAMETER with an AWS-like message
     */
    public CreateFunctionRequest validated() {
        String name = FunctionNames.fromNameOrArn(functionName);
        Constraints.noPublish(publish);
        if ("Image".equals(packageType)) throw Constraints.imagesNotSupported();
        if (packageType != null && !packageType.equals("Zip")) {
            throw FunctionRules.violation("packageType", packageType, "satisfy enum value set: [Zip, Image]");
        }
        if (runtime == null) {
            throw TorporException.invalid("Runtime is a mandatory parameter for functions created with deployment "
                    + "packages: one of " + String.join(", ", FunctionRules.RUNTIMES));
        }
        Code c = Objects.requireNonNullElseGet(code, () -> new Code(null, null, null, null));
        byte[] zip = Constraints.zipFile("Code.ZipFile", c.zipFile(), c.s3Bucket(), c.s3Key(), c.imageUri());
        Map<String, String> t = Objects.requireNonNullElse(tags, Map.of());
        return new CreateFunctionRequest(
                name,
                FunctionRules.runtime(runtime),
                role,
                handler,
                Objects.requireNonNullElse(description, ""),
                FunctionRules.timeout(Objects.requireNonNullElse(timeout, DEFAULT_TIMEOUT_SECONDS)),
                FunctionRules.memorySize(Objects.requireNonNullElse(memorySize, DEFAULT_MEMORY_MIB)),
                Objects.requireNonNullElseGet(environment, () -> new Environment(Map.of())).validated(),
                FunctionRules.tags(t),
                new Code(zip, null, null, null),
                "Zip",
                Constraints.architectures(architectures),
                null);
    }
}
