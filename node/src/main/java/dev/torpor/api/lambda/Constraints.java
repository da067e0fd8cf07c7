package dev.torpor.api.lambda;

import dev.torpor.TorporException;
import java.util.List;
import java.util.Set;

/** Checks that several requests share, worded as AWS words them where AWS has words for them. */
final class Constraints {
    /** Custom runtimes only: Torpor runs the zip's own {@code bootstrap}, not a managed language runtime. */
    static final List<String> RUNTIMES = List.of("provided.al2023", "provided.al2", "provided");
    private static final Set<String> RUNTIME_SET = Set.copyOf(RUNTIMES);

    private Constraints() {}

    static TorporException violation(String field, Object value, String constraint) {
        return TorporException.invalid("1 validation error detected: Value '" + value + "' at '" + field
                + "' failed to satisfy constraint: Member must " + constraint);
    }

    static int range(String field, int value, int min, int max) {
        if (value < min) throw violation(field, value, "have value greater than or equal to " + min);
        if (value > max) throw violation(field, value, "have value less than or equal to " + max);
        return value;
    }

    static int timeout(int seconds) {
        return range("timeout", seconds, 1, 900);
    }

    static int memorySize(int mib) {
        return range("memorySize", mib, 128, 10240);
    }

    static String runtime(String runtime) {
        if (!RUNTIME_SET.contains(runtime)) {
            throw TorporException.invalid("Runtime " + runtime + " is not supported: Torpor runs custom runtimes only ("
                    + String.join(", ", RUNTIMES) + "), so the zip must hold an executable bootstrap at its top level");
        }
        return runtime;
    }

    /** The zip itself; {@code field} is where the request carries it (Code.ZipFile or ZipFile). */
    static byte[] zipFile(String field, byte[] zipFile, String s3Bucket, String s3Key, String imageUri) {
        if (imageUri != null) throw imagesNotSupported();
        if (s3Bucket != null || s3Key != null) {
            throw TorporException.invalid("Torpor does not fetch code from S3: send the zip itself as " + field);
        }
        if (zipFile == null || zipFile.length == 0) {
            throw TorporException.invalid("Please provide a source for function code: " + field + " is required");
        }
        return zipFile;
    }

    static TorporException imagesNotSupported() {
        return TorporException.invalid("Container images are not supported yet: Torpor runs Zip packages");
    }

    /** Lambda allows one architecture per function; here it must be the node's own. */
    static List<String> architectures(List<String> architectures) {
        if (architectures != null && !architectures.equals(List.of(NodeArchitecture.CURRENT))) {
            throw TorporException.invalid("Architectures " + architectures + " cannot run on this node, which is "
                    + NodeArchitecture.CURRENT);
        }
        return List.of(NodeArchitecture.CURRENT);
    }
}
