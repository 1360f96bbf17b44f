package io.storelog.node.hq;

import com.google.protobuf.InvalidProtocolBufferException;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.CatalogFeed;
import io.storelog.protocol.CatalogUpdate;
import io.storelog.protocol.Entry;
import io.storelog.protocol.PriceChange;
import io.storelog.protocol.Product;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sales made at out-of-date prices: bill lines whose price differs from the one headquarters had
 * published as in effect at the moment of the sale, with a catalog version the lane did not hold yet
 * (a lane offline when the change went out). The price in effect at an instant follows the lanes' own
 * rule: the latest published price whose effective time is not after it, the higher version on a tie.
 * Lines with a price typed at the till or printed on a label are left out: they never were catalog prices.
 */
final class OutOfDatePrices {
    /** One line sold at an out-of-date price. */
    record Line(String billId, String till, long number, String sku, long soldAtMs, long chargedUnitPrice,
            long publishedUnitPrice, long publishedVersion, long laneVersion) {
    }

    private record Published(long effectiveAtMs, long version, long price) {
    }

    private final Map<String, List<Published>> bySku = new HashMap<>();

    /** The price history headquarters published, from its whole catalog feed. */
    OutOfDatePrices(HqStore store) {
        CatalogFeed feed = store.catalogSince(0, Integer.MAX_VALUE);
        for (CatalogUpdate u : feed.getUpdatesList()) {
            long version = u.getVersion();
            for (Product p : u.getProductsList()) {
                add(p.getSku(), new Published(p.getPriceEffectiveAtMs(), version, p.getPrice()));
            }
            for (PriceChange c : u.getPriceChangesList()) {
                add(c.getSku(), new Published(c.getEffectiveAtMs(), version, c.getPrice()));
            }
        }
    }

    private void add(String sku, Published p) {
        bySku.computeIfAbsent(sku, k -> new ArrayList<>()).add(p);
    }

    /** The lines of {@code store}'s bills sold at out-of-date prices, oldest sale first, at most {@code limit}. */
    List<Line> of(HqStore store, String storeId, int limit) {
        List<Line> out = new ArrayList<>();
        store.forEachEntry(storeId, bytes -> {
            Entry e;
            try {
                e = Entry.parseFrom(bytes);
            } catch (InvalidProtocolBufferException notAnEntry) {
                return;
            }
            if (!e.hasBill()) {
                return;
            }
            BillCommitted b = e.getBill();
            long at = e.getHlc().getWallMs();
            for (BillLine l : b.getLinesList()) {
                if (l.getPriceOverridden() || l.getPriceEmbedded()) {
                    continue;
                }
                Published inEffect = inEffect(l.getSku(), at);
                if (inEffect != null && inEffect.price() != l.getUnitPrice() && l.getProductVersion() < inEffect.version()) {
                    out.add(new Line(e.getOrigin() + ":" + e.getSeq(), b.getTill(), b.getNumber(), l.getSku(), at,
                            l.getUnitPrice(), inEffect.price(), inEffect.version(), l.getProductVersion()));
                }
            }
        });
        out.sort(Comparator.comparingLong(Line::soldAtMs).thenComparing(Line::billId).thenComparing(Line::sku));
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    private Published inEffect(String sku, long atMs) {
        Published best = null;
        for (Published p : bySku.getOrDefault(sku, List.of())) {
            if (p.effectiveAtMs() <= atMs && (best == null || p.effectiveAtMs() > best.effectiveAtMs()
                    || (p.effectiveAtMs() == best.effectiveAtMs() && p.version() > best.version()))) {
                best = p;
            }
        }
        return best;
    }
}
