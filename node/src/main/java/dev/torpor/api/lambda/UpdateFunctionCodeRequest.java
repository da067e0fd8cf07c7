package dev.torpor.api.lambda;

import java.util.List;

/**
 * The body of Lambda's UpdateFunctionCode; a RevisionId makes the update conditional on it. Publish and DryRun are
 * ignored: Torpor keeps only {@code $LATEST}.
 */
@LambdaShape
public record UpdateFunctionCodeRequest(
        byte[] zipFile, String s3Bucket, String s3Key, String imageUri, List<String> architectures, String revisionId) {

    /** @throws dev.torpor.TorporException INVALID_PARAMETER unless the request carries a zip this node can run */
    public UpdateFunctionCodeRequest validated() {
        byte[] zip = Constraints.zipFile("ZipFile", zipFile, s3Bucket, s3Key, imageUri);
        return new UpdateFunctionCodeRequest(zip, null, null, null, Constraints.architectures(architectures), revisionId);
    }
}
