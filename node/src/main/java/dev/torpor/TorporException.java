package dev.torpor;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The one exception type of the node. Runtime operations (runc, CRIU) fill in the exit status and stderr of the
 * command that failed, so an error seen through the API still says what the tool said.
 */
public final class TorporException extends RuntimeException {
    private final ErrorKind kind;
    private final Integer exitStatus;
    private final String stderr;

    public TorporException(ErrorKind kind, String message) {
        this(kind, message, null, null, null);
    }

    public TorporException(ErrorKind kind, String message, Throwable cause) {
        this(kind, message, null, null, cause);
    }

    public TorporException(ErrorKind kind, String message, Integer exitStatus, String stderr, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.exitStatus = exitStatus;
        this.stderr = stderr;
    }

    public ErrorKind kind() {
        return kind;
    }

    public OptionalInt exitStatus() {
        return exitStatus == null ? OptionalInt.empty() : OptionalInt.of(exitStatus);
    }

    public Optional<String> stderr() {
        return Optional.ofNullable(stderr).filter(s -> !s.isBlank());
    }

    /** The message with the tool's own words appended, for logs and API bodies. */
    public String detail() {
        return stderr().map(s -> getMessage() + ": " + s.strip()).orElse(getMessage());
    }

    public static TorporException notFound(String message) {
        return new TorporException(ErrorKind.NOT_FOUND, message);
    }

    public static TorporException invalid(String message) {
        return new TorporException(ErrorKind.INVALID_PARAMETER, message);
    }

    public static TorporException conflict(String message) {
        return new TorporException(ErrorKind.CONFLICT, message);
    }

    public static TorporException throttled(String message) {
        return new TorporException(ErrorKind.TOO_MANY_REQUESTS, message);
    }

    public static TorporException notReady(String message) {
        return new TorporException(ErrorKind.RESOURCE_NOT_READY, message);
    }

    public static TorporException unavailable(String message) {
        return new TorporException(ErrorKind.SERVICE_UNAVAILABLE, message);
    }

    public static TorporException timedOut(String message) {
        return new TorporException(ErrorKind.OPERATION_TIMEOUT, message);
    }
}
