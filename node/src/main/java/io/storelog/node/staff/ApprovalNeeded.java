package io.storelog.node.staff;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;

/**
 * A change refused for want of a supervisor's approval (HTTP 403); {@code needs} names the case
 * ({@code void}, {@code refund}, {@code price-override}, {@code discount}) so a till can ask for one.
 */
public final class ApprovalNeeded extends StoreLogException {
    private final String needs;

    /** Refuses a change of kind {@code needs}. */
    public ApprovalNeeded(String needs, String message) {
        super(ErrorCode.NEEDS_APPROVAL, message);
        this.needs = needs;
    }

    /** The case that needs approval. */
    public String needs() {
        return needs;
    }
}
