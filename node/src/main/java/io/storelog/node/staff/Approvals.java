package io.storelog.node.staff;

import io.storelog.node.StoreLogException;
import io.storelog.node.state.StaffDirectory;
import io.storelog.node.state.StaffMember;
import io.storelog.node.state.StoreState;

/**
 * Decides whether an approval given at the lane holds: the approver must be an active supervisor or
 * manager whose PIN is right (wrong PINs count towards their lock-out). A cashier cannot approve,
 * so nobody below supervisor approves their own change; a supervisor may approve their own.
 * A store whose log holds no staff at all has nobody who could approve, so there nothing is asked
 * for (and nothing recorded): approvals start with the first StaffUpdate.
 */
public final class Approvals {
    private final PinGuard pins;
    private final StoreState state;

    /** Approvals checked with {@code pins} against the staff of {@code state}. */
    public Approvals(PinGuard pins, StoreState state) {
        this.pins = pins;
        this.state = state;
    }

    /**
     * The approver's id when {@code approval} allows a change of kind {@code needs} ({@code what}
     * describes it), made by {@code cashier}; otherwise {@link ApprovalNeeded}, and nothing is written.
     */
    public String require(String needs, String what, ApprovalRequest approval, String cashier) {
        if (state.staff(StaffDirectory::isEmpty)) {
            return "";
        }
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
