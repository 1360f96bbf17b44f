package io.storelog.node.hq;

/** The storage behind HQ failed or is unreachable; the operation was not applied and may be retried. */
public final class HqStorageException extends RuntimeException {
    /** A failure with its cause. */
    public HqStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
