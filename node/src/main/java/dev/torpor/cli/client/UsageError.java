package dev.torpor.cli.client;

/** Something wrong with what the user asked for, found before or without asking the node: said in one line. */
public final class UsageError extends RuntimeException {
    public UsageError(String message) {
        super(message);
    }
}
