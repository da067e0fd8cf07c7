package dev.torpor.api.lambda;

import java.util.List;

/**
 * The body of Lambda's UpdateFunctionCode. Publish, DryRun and RevisionId are ignored: Torpor keeps only
 * {@code $LATEST} and does not check revisions before an update.
 */
@LambdaShape
public record UpdateFunctionCodeRequest(
        byte[] zipFile, String s3Bucket, String s3Key, String imageUri, List<String> architectures) {

    /** @throws dev.torpor.TorporException INVALID_PARAMETER unless the request carries a zip this node can run */
    public UpdateFunctionCodeRequest validated() {
        byte[] zip = Constraints.zipFile("ZipFile", zipFile, s3Bucket, s3Key, imageUri);
        return new UpdateFunctionCodeRequest(zip, null, null, null, Constraints.architectures(architectures));
    }
}
