package io.storelog.node;

/** The one exception type of a node: a code plus a message that names the problem. */
public class StoreLogException extends RuntimeException {
    private final ErrorCode code;

    public StoreLogException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public StoreLogException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** What kind of failure this is. */
    public ErrorCode code() {
        return code;
    }
}
