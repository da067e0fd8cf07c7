package dev.torpor.api;

import dev.torpor.api.lambda.Tags;
import dev.torpor.lifecycle.Deployments;
import java.io.IOException;
import java.util.List;

/**
 * Lambda's TagResource, UntagResource and ListTags on a function's ARN. A tag change is a configuration change like
 * any other: checked by the same rules as at CreateFunction, so a {@code torpor:*} tag changes the function's policy
 * exactly as if it had been created with it, and a bad one changes nothing.
 */
final class TagsHandler {
    private static final long MAX_BODY = 64 * 1024;
    private static final String TAGS = "/2017-03-31/tags/(?<name>[^/]+)/?";

    private final Deployments deployments;

    TagsHandler(Deployments deployments) {
        this.deployments = deployments;
    }

    void register(Router router) {
        router.add("GET", TAGS, r -> Response.json(200, new Tags(deployments.get(r.functionName()).tags())))
                .add("POST", TAGS, this::tag)
                .add("DELETE", TAGS, this::untag);
    }

    private Response tag(Request r) throws IOException {
        Tags added = JsonBody.read(r, MAX_BODY, "Request must be smaller than " + MAX_BODY + " bytes for the TagResource operation", Tags.class);
        deployments.retag(r.functionName(), tags -> tags.putAll(added.tags()));
        return Response.empty(204);
    }

    private Response untag(Request r) {
        List<String> keys = r.queryAll("tagKeys");
        deployments.retag(r.functionName(), tags -> tags.keySet().removeAll(keys));
        return Response.empty(204);
    }
}
