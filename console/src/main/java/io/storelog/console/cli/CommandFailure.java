package io.storelog.console.cli;

/** A console command failed (node unreachable, token refused, an error answer, an unwritable file): printed as one line, exit 1. */
public final class CommandFailure extends RuntimeException {
    /** A failure with the line to print after {@code error: }. */
    public CommandFailure(String message) {
        super(message);
    }
}
