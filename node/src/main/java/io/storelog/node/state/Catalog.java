package io.storelog.node.state;

import io.storelog.node.clock.HybridLogicalClock;
import io.storelog.protocol.CatalogUpdate;
import io.storelog.protocol.HlcStamp;
import io.storelog.protocol.PriceChange;
import io.storelog.protocol.Product;
import io.storelog.protocol.Promotion;
import io.storelog.protocol.TaxRate;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Products, tax rates, promotions and scheduled prices folded from catalog entries. Per SKU (and per tax class) the value with
 * the highest (version, stamp, origin, seq) wins: a maximum, so the order catalog entries arrive in does
 * not matter. Imports are remembered by content hash and chunk so a re-import adds nothing.
 */
final class Catalog {
    /** A product value together with the version key that decides which value wins. */
    record Versioned<T>(T value, long version, HlcStamp stamp, String origin, long seq) {
        boolean beats(Versioned<?> other) {
            if (other == null) {
                return true;
            }
            if (version != other.version) {
                return version > other.version;
            }
            int c = HybridLogicalClock.compare(stamp, other.stamp);
            if (c != 0) {
                return c > 0;
            }
            int o = origin.compareTo(other.origin);
            return o != 0 ? o > 0 : seq > other.seq;
        }
    }

    /** A hash map: every bill line looks a product up; SKU order is made only where it is needed (digest, search index). */
    private final HashMap<String, Versioned<Product>> products = new HashMap<>();
    private final TreeMap<String, Versioned<TaxRate>> taxRates = new TreeMap<>();
    private final Map<String, String> skuByBarcode = new HashMap<>();
    private final Map<String, BitSet> importedChunks = new HashMap<>();
    private final PromotionBook promotions = new PromotionBook();
    private final PriceSchedule schedule = new PriceSchedule();
    private long highestVersion;
    private volatile SearchIndex search;

    void apply(CatalogUpdate update, HlcStamp stamp, String origin, long seq) {
        for (Product p : update.getProductsList()) {
            Versioned<Product> candidate = new Versioned<>(p, update.getVersion(), stamp, origin, seq);
            Versioned<Product> current = products.get(p.getSku());
            if (candidate.beats(current)) {
                if (current != null && p.getSku().equals(skuByBarcode.get(current.value().getBarcode()))) {
                    skuByBarcode.remove(current.value().getBarcode());
                }
                products.put(p.getSku(), candidate);
                if (!p.getBarcode().isEmpty()) {
                    skuByBarcode.put(p.getBarcode(), p.getSku());
                }
                search = null;
            }
        }
        for (TaxRate r : update.getTaxRatesList()) {
            Versioned<TaxRate> candidate = new Versioned<>(r, update.getVersion(), stamp, origin, seq);
            if (candidate.beats(taxRates.get(r.getTaxClass()))) {
                taxRates.put(r.getTaxClass(), candidate);
            }
        }
        for (Promotion p : update.getPromotionsList()) {
            promotions.apply(p, update.getVersion(), stamp, origin, seq);
        }
        for (PriceChange c : update.getPriceChangesList()) {
            schedule.apply(c, update.getVersion(), stamp, origin, seq);
        }
        if (!update.getContentHash().isEmpty()) {
            importedChunks.computeIfAbsent(update.getContentHash(), h -> new BitSet()).set(update.getChunk());
        }
        highestVersion = Math.max(highestVersion, update.getVersion());
    }

    void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(products.size());
        for (Versioned<Product> v : products.values()) {
            SnapshotIO.writeMessage(out, v.value());
            writeKey(out, v);
        }
        out.writeInt(taxRates.size());
        for (Versioned<TaxRate> v : taxRates.values()) {
            SnapshotIO.writeMessage(out, v.value());
            writeKey(out, v);
        }
        out.writeInt(importedChunks.size());
        for (Map.Entry<String, BitSet> e : importedChunks.entrySet()) {
            out.writeUTF(e.getKey());
            byte[] bits = e.getValue().toByteArray();
            out.writeInt(bits.length);
            out.write(bits);
        }
        out.writeLong(highestVersion);
        promotions.writeTo(out);
        schedule.writeTo(out);
    }

    void readFrom(java.io.DataInputStream in) throws java.io.IOException {
        for (int n = in.readInt(); n > 0; n--) {
            Product p = SnapshotIO.readMessage(in, Product.parser());
            products.put(p.getSku(), readKey(in, p));
            if (!p.getBarcode().isEmpty()) {
                skuByBarcode.put(p.getBarcode(), p.getSku());
            }
        }
        for (int n = in.readInt(); n > 0; n--) {
            TaxRate r = SnapshotIO.readMessage(in, TaxRate.parser());
            taxRates.put(r.getTaxClass(), readKey(in, r));
        }
        for (int n = in.readInt(); n > 0; n--) {
            String hash = in.readUTF();
            byte[] bits = new byte[in.readInt()];
            in.readFully(bits);
            importedChunks.put(hash, BitSet.valueOf(bits));
        }
        highestVersion = in.readLong();
        promotions.readFrom(in);
        schedule.readFrom(in);
        search = null;
    }

    private static void writeKey(java.io.DataOutputStream out, Versioned<?> v) throws java.io.IOException {
        out.writeLong(v.version());
        out.writeLong(v.stamp().getWallMs());
        out.writeInt(v.stamp().getCounter());
        out.writeUTF(v.origin());
        out.writeLong(v.seq());
    }

    private static <T> Versioned<T> readKey(java.io.DataInputStream in, T value) throws java.io.IOException {
        long version = in.readLong();
        HlcStamp stamp = HlcStamp.newBuilder().setWallMs(in.readLong()).setCounter(in.readInt()).build();
        return new Versioned<>(value, version, stamp, in.readUTF(), in.readLong());
    }

    Optional<Versioned<Product>> product(String sku) {
        return Optional.ofNullable(products.get(sku));
    }

    Optional<Versioned<Product>> byBarcode(String barcode) {
        String sku = skuByBarcode.get(barcode);
        return sku == null ? Optional.empty() : product(sku);
    }

    Optional<Integer> taxRateBp(String taxClass) {
        Versioned<TaxRate> r = taxRates.get(taxClass);
        return r == null ? Optional.empty() : Optional.of(r.value().getRateBp());
    }

    /**
     * The product with the price in effect at {@code atMs} (see {@link PriceSchedule#priceAt}), and the
     * version of the entry that price came from.
     */
    Optional<Versioned<Product>> productAt(String sku, long atMs) {
        Versioned<Product> v = products.get(sku);
        if (v == null) {
            return Optional.empty();
        }
        Product p = v.value();
        PriceSchedule.Point base = new PriceSchedule.Point(p.getPriceEffectiveAtMs(), p.getPrice(), v.version(), v.stamp(),
                v.origin(), v.seq());
        PriceSchedule.Point used = schedule.priceAt(sku, base, atMs);
        if (used == base) {
            return Optional.of(v);
        }
        return Optional.of(new Versioned<>(p.toBuilder().setPrice(used.price()).build(), used.version(), v.stamp(),
                v.origin(), v.seq()));
    }

    PromotionBook promotions() {
        return promotions;
    }

    PriceSchedule schedule() {
        return schedule;
    }

    boolean hasChunk(String contentHash, int chunk) {
        BitSet b = importedChunks.get(contentHash);
        return b != null && b.get(chunk);
    }

    int size() {
        return products.size();
    }

    long highestVersion() {
        return highestVersion;
    }

    /** Products in SKU order. */
    TreeMap<String, Versioned<Product>> products() {
        return new TreeMap<>(products);
    }

    TreeMap<String, Versioned<TaxRate>> taxRates() {
        return taxRates;
    }

    /** Products matching by barcode, SKU or name, exact barcode/SKU hits first; at most {@code limit}. */
    List<Product> search(String query, int limit) {
        String q = query.trim().toLowerCase(Locale.ROOT);
        List<Product> out = new ArrayList<>();
        if (q.isEmpty()) {
            return out;
        }
        byBarcode(query.trim()).ifPresent(v -> out.add(v.value()));
        Versioned<Product> bySku = products.get(query.trim());
        if (bySku != null && !out.contains(bySku.value())) {
            out.add(bySku.value());
        }
        SearchIndex index = search;
        if (index == null) {
            index = new SearchIndex(products());
            search = index;
        }
        index.scan(q, limit, out);
        return out;
    }

    /** Lower-cased haystacks in SKU order, rebuilt lazily after the catalog changes. */
    private static final class SearchIndex {
        private final String[] haystacks;
        private final Product[] items;

        SearchIndex(TreeMap<String, Versioned<Product>> products) {
            haystacks = new String[products.size()];
            items = new Product[products.size()];
            int i = 0;
            for (Versioned<Product> v : products.values()) {
                Product p = v.value();
                items[i] = p;
                haystacks[i] = (p.getName() + " " + p.getSku() + " " + p.getBarcode()).toLowerCase(Locale.ROOT);
                i++;
            }
        }

        void scan(String q, int limit, List<Product> out) {
            for (int i = 0; i < items.length && out.size() < limit; i++) {
                if (haystacks[i].contains(q) && !out.contains(items[i])) {
                    out.add(items[i]);
                }
            }
        }
    }
}
