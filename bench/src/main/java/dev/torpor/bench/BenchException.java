package dev.torpor.bench;

/** A step of the benchmark that could not be done; its message is what the report prints. */
final class BenchException extends RuntimeException {
    BenchException(String message) {
        super(message);
    }

    BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
