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
        onHandMilli.merge(sku, deltaMilli, Math::addExact);
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
