package dev.torpor;

/** What went wrong, independent of how it is shown: the API maps each kind to one HTTP status and Lambda error type. */
public enum ErrorKind {
    NOT_FOUND,
    ALREADY_EXISTS,
    INVALID_PARAMETER,
    REQUEST_TOO_LARGE,
    TOO_MANY_REQUESTS,
    TIMEOUT,
    INCOMPATIBLE_IMAGE,
    /** The instance cannot take this operation in its current state. */
    CONFLICT,
    /** No signature on a request to a node that checks them. */
    MISSING_AUTHENTICATION,
    /** A signature by a key the node does not know. */
    UNRECOGNIZED_CLIENT,
    /** A signature that does not match the request, or dated outside the allowed clock skew. */
    INVALID_SIGNATURE,
    FAILED
}
