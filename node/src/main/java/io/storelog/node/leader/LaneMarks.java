package io.storelog.node.leader;

import io.storelog.node.merge.MergedLog;
import io.storelog.node.merge.VersionVector;
import io.storelog.protocol.Entry;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Per lane (till name), the highest bill number among the bills headquarters has confirmed: "HQ holds
 * every bill of this lane up to #N". Bill numbers of one origin rise with its seq, and HQ's vector is a
 * contiguous prefix per origin, so the answer for an origin is the number of its last bill at or below
 * the confirmed seq. It is found by reading backwards from that seq in the node's own log, remembering
 * what was read, so each entry is read at most once over the node's life (apart from a restarted scan)
 * and a status call does a bounded number of reads.
 */
final class LaneMarks {
    /** Log reads one call may spend; an unfinished scan goes on at the next call. */
    private static final int READ_BUDGET = 4_096;

    /** Per origin, what the scan found so far. Guarded by this. */
    private final Map<String, OriginScan> scans = new HashMap<>();
    private final MergedLog log;

    LaneMarks(MergedLog log) {
        this.log = log;
    }

    /**
     * Till name -> highest confirmed bill number, over every origin this node holds (0 for a node
     * none of whose bills is confirmed yet; a node that never billed shows up with 0 too).
     */
    synchronized Map<String, Long> marks(VersionVector confirmed, VersionVector mine) {
        int budget = READ_BUDGET;
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, Long> e : mine.asMap().entrySet()) {
            String origin = e.getKey();
            long target = Math.min(confirmed.get(origin), e.getValue());
            OriginScan s = scans.computeIfAbsent(origin, o -> new OriginScan());
            budget = s.advance(origin, target, budget);
            if (s.till != null) {
                out.merge(s.till, s.number, Math::max);
            } else {
                if (s.nodeName == null) {
                    // Bills carry their till's name, which is the writing node's name: read once per origin.
                    s.nodeName = read(origin, 1).map(Entry::getNode).orElse(null);
                }
                if (s.nodeName != null && !s.nodeName.isEmpty()) {
                    out.merge(s.nodeName, 0L, Math::max);
                }
            }
        }
        return out;
    }

    /** One origin: the last bill found at or below {@code resolved}, and a backward scan in progress, if any. */
    private final class OriginScan {
        long resolved;
        String nodeName;
        String till;
        long number;
        long scanTarget;
        long cursor;

        int advance(String origin, long target, int budget) {
            if (target <= resolved) {
                return budget;
            }
            if (scanTarget != target) {
                // A new confirmed seq: look back from it; anything at or below `resolved` is known already.
                scanTarget = target;
                cursor = target;
            }
            while (cursor > resolved && budget > 0) {
                budget--;
                Optional<Entry> entry = read(origin, cursor);
                if (entry.isPresent() && entry.get().hasBill()) {
                    // Numbers rise with seq: the first bill found looking back is the highest.
                    till = entry.get().getBill().getTill();
                    number = entry.get().getBill().getNumber();
                    cursor = resolved;
                    break;
                }
                cursor--;
            }
            if (cursor <= resolved) {
                resolved = scanTarget;
            }
            return budget;
        }
    }

    private Optional<Entry> read(String origin, long seq) {
        try {
            return log.read(origin, seq);
        } catch (RuntimeException e) {
            // A log that cannot be read shows up elsewhere; the mark just does not move.
            return Optional.empty();
        }
    }
}
