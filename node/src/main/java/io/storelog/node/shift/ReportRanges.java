package io.storelog.node.shift;

import io.storelog.node.merge.MergedLog;
import io.storelog.protocol.Entry;
import io.storelog.protocol.SeqRange;
import java.util.List;

/** Sums the entries of seq ranges read from the log (each origin is held as a contiguous prefix). */
final class ReportRanges {
    private ReportRanges() {
    }

    /** Figures of every entry in {@code ranges}; every seq in them must be held. */
    static Figures sum(MergedLog log, List<SeqRange> ranges) {
        Figures figures = new Figures();
        for (SeqRange r : ranges) {
            for (long seq = r.getAfterSeq() + 1; seq <= r.getToSeq(); seq++) {
                long s = seq;
                Entry e = log.read(r.getOrigin(), s).orElseThrow(() -> new IllegalStateException(
                        "entry " + r.getOrigin() + ":" + s + " is below the held vector but not readable"));
                figures.add(e);
            }
        }
        return figures;
    }

    /** The till name of an origin: the incarnation id is the node name, '-', 12 hex digits. */
    static String tillOf(String origin) {
        int dash = origin.lastIndexOf('-');
        return dash <= 0 ? origin : origin.substring(0, dash);
    }
}
