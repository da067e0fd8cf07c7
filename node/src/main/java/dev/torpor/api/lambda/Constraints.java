package dev.torpor.api.lambda;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.util.List;

/** Checks that several requests share, worded as AWS words them where AWS has words for them. */
final class Constraints {
    private Constraints() {}

    /** Lambda's limit on a zip sent inline. */
    static final int MAX_ZIP_BYTES = 50 * 1024 * 1024;

    /** The zip itself; {@code field} is where the request carries it (Code.ZipFile or ZipFile). */
    static byte[] zipFile(String field, byte[] zipFile, String s3Bucket, String s3Key, String imageUri) {
        if (imageUri != null) throw imagesNotSupported();
        if (s3Bucket != null || s3Key != null) {
            throw TorporException.invalid("Torpor does not fetch code from S3: send the zip itself as " + field);
        }
        if (zipFile == null || zipFile.length == 0) {
            throw TorporException.invalid("Please provide a source for function code: " + field + " is required");
        }
        if (zipFile.length > MAX_ZIP_BYTES) {
            throw new TorporException(ErrorKind.CODE_TOO_LARGE, field + " must be at most " + MAX_ZIP_BYTES
                    + " bytes (Lambda's 50 MB limit on a zip sent inline), not " + zipFile.length);
        }
        return zipFile;
    }

    /** Torpor keeps no versions: a request to publish one is refused before anything is stored, not quietly ignored. */
    static void noPublish(Boolean publish) {
        if (Boolean.TRUE.equals(publish)) {
            throw new TorporException(ErrorKind.UNSUPPORTED_OPERATION,
                    "Torpor does not support publishing versions (Publish): it keeps only $LATEST");
        }
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
