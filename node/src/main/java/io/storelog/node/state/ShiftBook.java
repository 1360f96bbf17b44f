package io.storelog.node.state;

import io.storelog.protocol.Entry;
import io.storelog.protocol.SeqRange;
import io.storelog.protocol.ShiftClosed;
import io.storelog.protocol.ShiftOpened;
import io.storelog.protocol.ZReport;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Shifts and Z reports folded from their entries. A shift's open and close are kept apart and joined
 * when asked, so either may be folded first; Z reports are indexed per till name and number (when
 * two entries claim one number, the lower entry id answers on every node).
 */
public final class ShiftBook {
    private final TreeMap<String, Entry> opened = new TreeMap<>();
    private final TreeMap<String, Entry> closed = new TreeMap<>();
    private final TreeMap<String, TreeMap<Long, Entry>> zByTill = new TreeMap<>();

    void opened(Entry e) {
        ShiftOpened o = e.getShiftOpened();
        opened.merge(o.getShiftId(), e, ShiftBook::lowerId);
    }

    void closed(Entry e) {
        ShiftClosed c = e.getShiftClosed();
        closed.merge(c.getShiftId(), e, ShiftBook::lowerId);
    }

    void z(Entry e) {
        ZReport z = e.getZReport();
        zByTill.computeIfAbsent(z.getTill(), k -> new TreeMap<>()).merge(z.getNumber(), e, ShiftBook::lowerId);
    }

    private static Entry lowerId(Entry a, Entry b) {
        int c = a.getOrigin().compareTo(b.getOrigin());
        return c < 0 || (c == 0 && a.getSeq() <= b.getSeq()) ? a : b;
    }

    /** A shift by id, if its opening is held. */
    public Optional<ShiftRecord> shift(String shiftId) {
        Entry o = opened.get(shiftId);
        if (o == null) {
            return Optional.empty();
        }
        Entry c = closed.get(shiftId);
        return Optional.of(new ShiftRecord(shiftId, o.getOrigin(), o.getSeq(), o.getShiftOpened(), o.getActor(),
                c != null && c.getOrigin().equals(o.getOrigin()) ? c.getSeq() : 0,
                c == null ? null : c.getShiftClosed(), c == null ? "" : c.getActor()));
    }

    /** The shift opened by this origin and not closed, if any (the newest when several are). */
    public Optional<ShiftRecord> openShiftOf(String origin) {
        ShiftRecord newest = null;
        for (Map.Entry<String, Entry> e : opened.entrySet()) {
            Entry o = e.getValue();
            if (o.getOrigin().equals(origin) && !closed.containsKey(e.getKey())
                    && (newest == null || o.getSeq() > newest.openSeq())) {
                newest = shift(e.getKey()).orElseThrow();
            }
        }
        return Optional.ofNullable(newest);
    }

    /** Every shift of a till name, by id. */
    public List<ShiftRecord> shiftsOf(String till) {
        return opened.values().stream().filter(o -> o.getShiftOpened().getTill().equals(till))
                .map(o -> shift(o.getShiftOpened().getShiftId()).orElseThrow()).toList();
    }

    /** A Z report by till name and number. */
    public Optional<ZRecord> z(String till, long number) {
        TreeMap<Long, Entry> byNumber = zByTill.get(till);
        Entry e = byNumber == null ? null : byNumber.get(number);
        return Optional.ofNullable(e).map(ShiftBook::record);
    }

    /** Highest Z number held for a till name (0 when none). */
    public long maxZNumber(String till) {
        TreeMap<Long, Entry> byNumber = zByTill.get(till);
        return byNumber == null || byNumber.isEmpty() ? 0 : byNumber.lastKey();
    }

    /** Every Z report of a till name, by number. */
    public SortedMap<Long, ZRecord> zReportsOf(String till) {
        TreeMap<Long, ZRecord> out = new TreeMap<>();
        zByTill.getOrDefault(till, new TreeMap<>()).forEach((n, e) -> out.put(n, record(e)));
        return out;
    }

    /** Per origin, the highest seq some Z report of this till already covers: the next Z starts after it. */
    public Map<String, Long> zCoveredTo(String till) {
        Map<String, Long> out = new HashMap<>();
        for (Entry e : zByTill.getOrDefault(till, new TreeMap<>()).values()) {
            for (SeqRange r : e.getZReport().getCoverageList()) {
                out.merge(r.getOrigin(), r.getToSeq(), Math::max);
            }
        }
        return out;
    }

    private static ZRecord record(Entry e) {
        return new ZRecord(StoreState.entryId(e.getOrigin(), e.getSeq()), e.getZReport(), e.getActor(), e.getHlc().getWallMs());
    }

    void writeTo(DataOutputStream out) throws IOException {
        writeEntries(out, opened.values());
        writeEntries(out, closed.values());
        List<Entry> zs = zByTill.values().stream().flatMap(m -> m.values().stream()).toList();
        writeEntries(out, zs);
    }

    void readFrom(DataInputStream in) throws IOException {
        for (int n = in.readInt(); n > 0; n--) {
            opened(SnapshotIO.readMessage(in, Entry.parser()));
        }
        for (int n = in.readInt(); n > 0; n--) {
            closed(SnapshotIO.readMessage(in, Entry.parser()));
        }
        for (int n = in.readInt(); n > 0; n--) {
            z(SnapshotIO.readMessage(in, Entry.parser()));
        }
    }

    private static void writeEntries(DataOutputStream out, java.util.Collection<Entry> entries) throws IOException {
        out.writeInt(entries.size());
        for (Entry e : entries) {
            SnapshotIO.writeMessage(out, e);
        }
    }

    /** Canonical lines for the state digest: each shift open/close and Z by the entry that holds it. */
    void feed(StateDigest.Lines lines) {
        opened.forEach((id, e) -> lines.put("shift-opened", id, e.getOrigin(), e.getSeq()));
        closed.forEach((id, e) -> lines.put("shift-closed", id, e.getOrigin(), e.getSeq()));
        zByTill.forEach((till, byNumber) -> byNumber.forEach((n, e) -> lines.put("z", till, n, e.getOrigin(), e.getSeq())));
    }
}
