package io.storelog.node.state;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Stock on hand per SKU as a PN-counter in thousandths: receipts and refunds add, sales and
 * adjustments subtract, a count adds the fixed delta it recorded. Addition commutes, so the
 * result does not depend on the order entries arrive in. Stock may go negative offline.
 */
final class StockLevels {
    private final TreeMap<String, Long> onHandMilli = new TreeMap<>();

    void add(String sku, long deltaMilli) {
        // Wrapping, never throwing: this runs on entries already durable, and an exception here would
        // leave the entry unfolded and make every later replay of the log fail (the node could not
        // start). Addition modulo 2^64 still commutes, so the fold stays order independent.
        onHandMilli.merge(sku, deltaMilli, Long::sum);
    }

    long onHand(String sku) {
        return onHandMilli.getOrDefault(sku, 0L);
    }

    boolean known(String sku) {
        return onHandMilli.containsKey(sku);
    }

    SortedMap<String, Long> snapshot() {
        return new TreeMap<>(onHandMilli);
    }

    void feed(Map<String, Long> into) {
        into.putAll(onHandMilli);
    }

    Iterable<Map.Entry<String, Long>> entries() {
        return onHandMilli.entrySet();
    }
}
