package io.storelog.node.shift;

import io.storelog.node.state.ShiftRecord;
import io.storelog.protocol.ReportFigures;
import io.storelog.protocol.SeqRange;

/**
 * A shift's X report as this node holds it: the shift, the seq range of its origin it covers (up to
 * its close, or up to what this node holds of that origin while it is open) and the sums over it.
 *
 * @param complete whether this node holds every entry the shift covers (false while it is open, or
 *                 when a closed shift's entries have not all arrived here yet)
 */
public record ShiftReport(ShiftRecord shift, SeqRange coverage, ReportFigures figures, boolean complete) {
}
