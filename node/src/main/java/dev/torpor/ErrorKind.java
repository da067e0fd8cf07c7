package dev.torpor;

/**
 * What went wrong, independent of how it is shown: told apart where a caller would act differently. The Lambda API
 * maps each kind to one HTTP status and Lambda error type ({@code api.ErrorRenderer}). A function that fails or runs
 * past its Timeout is no error of the node: that is the invocation's answer ({@code runtimeapi.RuntimeApiErrors}).
 */
public enum ErrorKind {
    /** No such function, instance, image or path. Fix the name. */
    NOT_FOUND,
    /** Creating what exists already. */
    ALREADY_EXISTS,
    /** A parameter is out of range or malformed. Fix the request; retrying as is cannot help. */
    INVALID_PARAMETER,
    /** The body is not what the operation reads: not JSON (an Invoke payload, too), or JSON of the wrong shape. */
    INVALID_REQUEST_CONTENT,
    /** An Invoke payload over Lambda's limit (6 MB synchronous, 256 KB Event), or another body over the operation's. */
    REQUEST_TOO_LARGE,
    /** A function's code over Lambda's limit for a zip sent inline (50 MB), which Lambda tells apart from a large payload. */
    CODE_TOO_LARGE,
    /** A RevisionId that is no longer the function's: someone changed it meanwhile. Read it again, then retry. */
    PRECONDITION_FAILED,
    /** A Lambda operation Torpor does not offer. Retrying cannot help. */
    UNSUPPORTED_OPERATION,
    /** Throttled: every instance the function may have is busy, or no memory is left for one. Back off and retry. */
    TOO_MANY_REQUESTS,
    /** The function's instance cannot take the event yet (still starting, restoring, or failed meanwhile). Retry soon. */
    RESOURCE_NOT_READY,
    /** This node is not serving the function right now (shutting down, the function being moved). Retry, maybe elsewhere. */
    SERVICE_UNAVAILABLE,
    /** An operation of the node (a runc or CRIU call, a transfer) did not finish in time; the function's own timeout is not one. */
    OPERATION_TIMEOUT,
    /**
     * A checkpoint image this node cannot restore. Retrying here cannot help; pick another node or drop the image. A
     * damaged image (its checksums no longer match) is moved into quarantine and its instance FAILED: the state it held
     * is gone, and a retry starts the function afresh.
     */
    INCOMPATIBLE_IMAGE,
    /** The instance cannot take this operation in its current state. */
    CONFLICT,
    /** No signature on a request to a node that checks them. */
    MISSING_AUTHENTICATION,
    /** A signature by a key the node does not know. */
    UNRECOGNIZED_CLIENT,
    /** A signature that does not match the request, or dated outside the allowed clock skew. */
    INVALID_SIGNATURE,
    /**
     * A node-to-node request without a TLS client certificate of the cluster (only members may send them), or from a
     * member acting in another's name.
     */
    NOT_A_MEMBER,
    /** A genuine internal failure: I/O, a tool that failed, a peer that broke off. */
    FAILED;

    /** The header in which the node's own API names the kind, so a peer gets back exactly the kind that was thrown. */
    public static final String HEADER = "X-Torpor-Error-Kind";
}
