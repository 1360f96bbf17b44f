package io.storelog.node.staff;

import io.storelog.node.StoreLogException;
import io.storelog.node.state.StaffMember;

/**
 * Decides whether an approval given at the lane holds: the approver must be an active supervisor or
 * manager whose PIN is right (wrong PINs count towards their lock-out). A cashier cannot approve,
 * so nobody below supervisor approves their own change; a supervisor may approve their own.
 */
public final class Approvals {
    private final PinGuard pins;

    /** Approvals checked with {@code pins}. */
    public Approvals(PinGuard pins) {
        this.pins = pins;
    }

    /**
     * The approver's id when {@code approval} allows a change of kind {@code needs} ({@code what}
     * describes it), made by {@code cashier}; otherwise {@link ApprovalNeeded}, and nothing is written.
     */
    public String require(String needs, String what, ApprovalRequest approval, String cashier) {
        if (approval == null || approval.supervisor() == null || approval.supervisor().isBlank()) {
            throw new ApprovalNeeded(needs, what + " needs a supervisor approval: " + needs);
        }
        StaffMember approver;
        try {
            approver = pins.verify(approval.supervisor(), approval.pin());
        } catch (StoreLogException e) {
            throw new ApprovalNeeded(needs, what + " needs a supervisor approval: " + needs + " (refused: " + e.getMessage() + ")");
        }
        if (!approver.mayApprove()) {
            String who = approver.id().equals(cashier) ? "a cashier cannot approve their own change" : "'" + approver.id()
                    + "' is a " + approver.role().name().toLowerCase(java.util.Locale.ROOT) + ", not a supervisor or manager";
            throw new ApprovalNeeded(needs, what + " needs a supervisor approval: " + needs + " (refused: " + who + ")");
        }
        return approver.id();
    }
}
