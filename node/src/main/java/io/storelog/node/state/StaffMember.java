package io.storelog.node.state;

import io.storelog.node.clock.HybridLogicalClock;
import io.storelog.protocol.HlcStamp;
import io.storelog.protocol.StaffRole;
import io.storelog.protocol.StaffUpdate;

/**
 * The winning StaffUpdate of one member of staff, with the key that made it win: the highest
 * (version, stamp, origin, seq).
 */
public record StaffMember(StaffUpdate update, HlcStamp stamp, String origin, long seq) {
    /** Staff id. */
    public String id() {
        return update.getStaffId();
    }

    /** Role; a supervisor or manager may approve. */
    public StaffRole role() {
        return update.getRole();
    }

    /** Whether this member may sign in and approve. */
    public boolean active() {
        return update.getActive();
    }

    /** Whether this member's role may approve voids, refunds, overrides and large discounts. */
    public boolean mayApprove() {
        return role() == StaffRole.SUPERVISOR || role() == StaffRole.MANAGER;
    }

    boolean beats(StaffMember other) {
        if (other == null) {
            return true;
        }
        if (update.getVersion() != other.update.getVersion()) {
            return update.getVersion() > other.update.getVersion();
        }
        int c = HybridLogicalClock.compare(stamp, other.stamp);
        if (c != 0) {
            return c > 0;
        }
        int o = origin.compareTo(other.origin);
        return o != 0 ? o > 0 : seq > other.seq;
    }
}
