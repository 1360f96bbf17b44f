package io.storelog.console;

/** A command-line mistake the user can fix; printed as one line with exit code 2. */
public final class UsageException extends RuntimeException {
    /** A usage error with its one-line explanation. */
    public UsageException(String message) {
        super(message);
    }
}
