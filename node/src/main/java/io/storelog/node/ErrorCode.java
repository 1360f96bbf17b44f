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
    /** Only another lane may do this, and this lane cannot reach it now. */
    LANE_UNREACHABLE(503),
    /** The entry was archived: headquarters holds it, this node keeps only the fold of it. */
    ARCHIVED(410),
    /** Missing or wrong API token. */
    UNAUTHORIZED(401),
    /** Unknown member of staff, wrong PIN, or an expired or unknown sign-in session. */
    WRONG_PIN(401),
    /** Too many wrong PINs in a row: the member is locked out for a while. */
    LOCKED_OUT(401),
    /** The change needs a supervisor's (or manager's) approval that was missing or refused. */
    NEEDS_APPROVAL(403),
    /** The request contradicts what the store already did (a shift already open, a bill voided, a cart recalled elsewhere). */
    CONFLICT(409),
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
