package io.storelog.node.state;

import io.storelog.node.clock.HybridLogicalClock;
import io.storelog.protocol.HlcStamp;
import io.storelog.protocol.PriceChange;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Scheduled prices folded from catalog entries: per SKU a grow-only set of price points, each a price
 * with the instant it takes effect and the key (version, stamp, origin, seq) of the entry that carried it.
 * A set union, so the order entries arrive in does not matter. The price at an instant is decided by
 * {@link #priceAt}; points are never dropped, since a lane may still sell at an instant an older point
 * covers (scheduled changes are few next to products).
 */
final class PriceSchedule {
    /** One price from one entry. The base product's price is a point too, never stored here. */
    record Point(long effectiveAtMs, long price, long version, HlcStamp stamp, String origin, long seq) {
        /** Later effective time first decides; then the higher HQ version; then stamp, origin, seq. */
        static final Comparator<Point> ORDER = Comparator.comparingLong(Point::effectiveAtMs)
                .thenComparingLong(Point::version)
                .thenComparing(Point::stamp, HybridLogicalClock::compare)
                .thenComparing(Point::origin)
                .thenComparingLong(Point::seq);
    }

    private final Map<String, TreeSet<Point>> bySku = new HashMap<>();

    void apply(PriceChange c, long version, HlcStamp stamp, String origin, long seq) {
        bySku.computeIfAbsent(c.getSku(), k -> new TreeSet<>(Point.ORDER))
                .add(new Point(c.getEffectiveAtMs(), c.getPrice(), version, stamp, origin, seq));
    }

    /**
     * The point in effect at {@code atMs}: the greatest (by {@link Point#ORDER}) of {@code base} and the
     * SKU's scheduled points whose effective time is not after {@code atMs}; {@code base} when none is.
     */
    Point priceAt(String sku, Point base, long atMs) {
        Point best = base.effectiveAtMs() <= atMs ? base : null;
        TreeSet<Point> points = bySku.get(sku);
        if (points != null) {
            Point latest = points.floor(new Point(atMs, Long.MAX_VALUE, Long.MAX_VALUE,
                    HlcStamp.newBuilder().setWallMs(Long.MAX_VALUE).setCounter(Integer.MAX_VALUE).build(), "\uffff", Long.MAX_VALUE));
            if (latest != null && (best == null || Point.ORDER.compare(latest, best) > 0)) {
                best = latest;
            }
        }
        return best != null ? best : base;
    }

    /** Every SKU's points, SKUs sorted (for the digest). */
    TreeMap<String, TreeSet<Point>> all() {
        return new TreeMap<>(bySku);
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(bySku.size());
        for (Map.Entry<String, TreeSet<Point>> e : bySku.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().size());
            for (Point p : e.getValue()) {
                out.writeLong(p.effectiveAtMs());
                out.writeLong(p.price());
                out.writeLong(p.version());
                out.writeLong(p.stamp().getWallMs());
                out.writeInt(p.stamp().getCounter());
                out.writeUTF(p.origin());
                out.writeLong(p.seq());
            }
        }
    }

    void readFrom(DataInputStream in) throws IOException {
        bySku.clear();
        for (int n = in.readInt(); n > 0; n--) {
            TreeSet<Point> points = new TreeSet<>(Point.ORDER);
            bySku.put(in.readUTF(), points);
            for (int k = in.readInt(); k > 0; k--) {
                long eff = in.readLong();
                long price = in.readLong();
                long version = in.readLong();
                HlcStamp stamp = HlcStamp.newBuilder().setWallMs(in.readLong()).setCounter(in.readInt()).build();
                points.add(new Point(eff, price, version, stamp, in.readUTF(), in.readLong()));
            }
        }
    }
}
