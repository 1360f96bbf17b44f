package io.storelog.node.leader;

/** Headquarters could not be reached or answered with an error; {@code status} is 0 when no answer came. */
final class HqException extends RuntimeException {
    private final int status;

    HqException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    int status() {
        return status;
    }
}
