package io.storelog.node;

/** Why an operation failed; each code maps to one HTTP status and one metric tag. */
public enum ErrorCode {
    /** Damage in the log before its tail: the node must not start. */
    CORRUPT_LOG(500),
    /** The disk holding the log is full: new entries are refused, the log is intact. */
    DISK_FULL(503),
    /** Any other I/O failure while writing the log. */
    IO_ERROR(503),
    /** The node is still recovering its log and takes no bills yet. */
    NOT_READY(503),
    /** The request is malformed or breaks a rule; nothing was written. */
    BAD_REQUEST(400),
    /** A product the catalog does not hold. */
    UNKNOWN_SKU(400),
    /** Tenders do not cover the total. */
    SHORT_TENDER(400),
    /** A refund of more than was sold. */
    OVER_REFUND(400),
    /** The thing asked for does not exist. */
    NOT_FOUND(404),
    /** The request clashes with what the store already did (a cart recalled on another lane). */
    CONFLICT(409),
    /** Only another lane may do this, and this lane cannot reach it now. */
    LANE_UNREACHABLE(503),
    /** The entry was archived: headquarters holds it, this node keeps only the fold of it. */
    ARCHIVED(410),
    /** Missing or wrong API token. */
    UNAUTHORIZED(401),
    /** A data directory that belongs to another store or node. */
    WRONG_DATA_DIR(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status this failure answers with. */
    public int httpStatus() {
        return httpStatus;
    }
}
