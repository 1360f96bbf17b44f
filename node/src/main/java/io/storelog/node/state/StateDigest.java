package io.storelog.node.state;

import io.storelog.node.merge.VersionVector;
import io.storelog.protocol.Product;
import io.storelog.protocol.ShiftClosed;
import io.storelog.protocol.ShiftOpened;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A SHA-256 over a canonical rendering of the folded state (sorted keys, integers only), with the
 * version vector it reflects. Two nodes with the same version vector must report the same digest;
 * a difference means the fold depends on arrival order, which is a bug.
 */
public record StateDigest(VersionVector versionVector, long entries, String digest) {

    static StateDigest of(VersionVector vv, long entries, StockLevels stock, SalesTotals sales, BillIndex bills,
            Catalog catalog, TreeMap<String, ShiftOpened> opened, TreeMap<String, ShiftClosed> closed,
            TreeMap<String, Long> frozen, Carts carts, java.util.function.Consumer<Lines> more) {
        MessageDigest md = SetHash.sha256();
        Feeder f = new Feeder(md);
        f.put("entries", entries);
        for (Map.Entry<String, Long> e : stock.entries()) {
            f.put("stock", e.getKey(), e.getValue());
        }
        sales.allTillDays().forEach((day, tills) -> tills.forEach((till, t) -> f.put("sales", day, till, t.canonical())));
        sales.allTenderDays().forEach((day, tenders) -> tenders.forEach((tender, amount) -> f.put("tender", day, tender, amount)));
        f.put("bills", bills.count());
        bills.billHash().feed(md);
        bills.refundHash().feed(md);
        for (String id : bills.voidedBills()) {
            f.put("void", id);
        }
        bills.reprints().forEach((id, billId) -> f.put("reprint", id, billId));
        catalog.products().forEach((sku, v) -> {
            Product p = v.value();
            f.put("product", sku, v.version(), v.stamp().getWallMs(), v.stamp().getCounter(), v.origin(),
                    p.getBarcode(), p.getName(), p.getPrice(), p.getTaxClass(), p.getUnit().getNumber(), p.getActive());
            if (p.getPriceEffectiveAtMs() != 0) {
                // Only when set: a catalog without scheduled prices keeps the digest it had before they existed.
                f.put("product-price-at", sku, p.getPriceEffectiveAtMs());
            }
        });
        catalog.taxRates().forEach((cls, v) -> f.put("tax", cls, v.version(), v.value().getRateBp()));
        catalog.promotions().versioned().forEach((id, v) -> f.put("promotion", id, v.version(), v.stamp().getWallMs(),
                v.stamp().getCounter(), v.origin(), v.seq(), HexFormat.of().formatHex(v.value().toByteArray())));
        catalog.schedule().all().forEach((sku, points) -> points.forEach(pt -> f.put("price-at", sku, pt.effectiveAtMs(),
                pt.price(), pt.version(), pt.stamp().getWallMs(), pt.stamp().getCounter(), pt.origin(), pt.seq())));
        opened.forEach((id, s) -> f.put("shift-open", id, s.getTill(), s.getOpeningFloat()));
        closed.forEach((id, s) -> f.put("shift-close", id, s.getTill(), s.getCountedCount()));
        frozen.forEach((origin, seq) -> f.put("frozen", origin, seq));
        carts.hash().feed(md);
        more.accept(f);
        return new StateDigest(vv, entries, HexFormat.of().formatHex(md.digest()));
    }

    /** Where a part of the state writes its canonical lines. */
    interface Lines {
        void put(Object... fields);
    }

    /** Writes fields separated so that no two different renderings share bytes. */
    private record Feeder(MessageDigest md) implements Lines {
        @Override
        public void put(Object... fields) {
            StringBuilder sb = new StringBuilder();
            for (Object o : fields) {
                String s = String.valueOf(o);
                sb.append(s.length()).append(':').append(s);
            }
            sb.append('\n');
            md.update(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
