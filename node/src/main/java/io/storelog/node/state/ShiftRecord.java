package io.storelog.node.state;

import io.storelog.protocol.ShiftClosed;
import io.storelog.protocol.ShiftOpened;

/**
 * A shift as folded: where it was opened (its origin and seq, which bound the entries it covers),
 * by whom, and its close if one is held.
 *
 * @param closeSeq seq of the ShiftClosed entry on the shift's origin, or 0 while the shift is open
 */
public record ShiftRecord(String shiftId, String origin, long openSeq, ShiftOpened opened, String cashier,
                          long closeSeq, ShiftClosed closed, String closedBy) {
    /** Whether a close is held. */
    public boolean isClosed() {
        return closed != null;
    }
}
