package dev.torpor.api.lambda;

import java.util.List;

/**
 * The body of Lambda's UpdateFunctionCode; a RevisionId makes the update conditional on it. DryRun is ignored;
 * Publish is refused, since Torpor keeps only {@code $LATEST}.
 */
@LambdaShape
public record UpdateFunctionCodeRequest(
        byte[] zipFile, String s3Bucket, String s3Key, String imageUri, List<String> architectures, String revisionId,
        Boolean publish) {

    /** @throws dev.torpor.TorporException INVALID_PARAMETER unless the request carries a zip this node can run */
    public UpdateFunctionCodeRequest validated() {
        Constraints.noPublish(publish);
        byte[] zip = Constraints.zipFile("ZipFile", zipFile, s3Bucket, s3Key, imageUri);
        return new UpdateFunctionCodeRequest(zip, null, null, null, Constraints.architectures(architectures), revisionId, null);
    }
}
