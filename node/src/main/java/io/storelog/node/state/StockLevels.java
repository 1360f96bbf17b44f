package io.storelog.node.state;

import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Stock on hand per SKU as a PN-counter in thousandths: receipts and refunds add, sales and
 * adjustments subtract, a count adds the fixed delta it recorded. Addition commutes, so the
 * result does not depend on the order entries arrive in. Stock may go negative offline.
 */
final class StockLevels {
    /** A hash map of mutable cells: this runs for every bill line, so no tree walk and no boxing; sorted only when read whole. */
    private final HashMap<String, long[]> onHandMilli = new HashMap<>();

    void add(String sku, long deltaMilli) {
        // Wrapping, never throwing: this runs on entries already durable, and an exception here would
        // leave the entry unfolded and make every later replay of the log fail (the node could not
        // start). Addition modulo 2^64 still commutes, so the fold stays order independent.
        onHandMilli.computeIfAbsent(sku, k -> new long[1])[0] += deltaMilli;
    }

    long onHand(String sku) {
        long[] cell = onHandMilli.get(sku);
        return cell == null ? 0 : cell[0];
    }

    boolean known(String sku) {
        return onHandMilli.containsKey(sku);
    }

    SortedMap<String, Long> snapshot() {
        TreeMap<String, Long> out = new TreeMap<>();
        onHandMilli.forEach((sku, cell) -> out.put(sku, cell[0]));
        return out;
    }

    void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(onHandMilli.size());
        for (Map.Entry<String, long[]> e : onHandMilli.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue()[0]);
        }
    }

    void readFrom(java.io.DataInputStream in) throws java.io.IOException {
        for (int n = in.readInt(); n > 0; n--) {
            onHandMilli.put(in.readUTF(), new long[] {in.readLong()});
        }
    }

    /** Every SKU in SKU order, for the digest. */
    Iterable<Map.Entry<String, Long>> entries() {
        return snapshot().entrySet();
    }
}
