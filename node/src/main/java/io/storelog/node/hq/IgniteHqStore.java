package io.storelog.node.hq;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.storelog.protocol.CatalogFeed;
import io.storelog.protocol.CatalogUpdate;
import io.storelog.protocol.Product;
import io.storelog.protocol.VersionVector;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The part of {@link HqStore} that is the same on an embedded node and through the thin client: the
 * ingest and publish transactions and the reads, written against a few key-value primitives the two
 * Ignite APIs each provide.
 */
abstract class IgniteHqStore implements HqStore {
    /** Products per catalog update: about 100 KB, far below any frame or body limit. */
    static final int CHUNK_PRODUCTS = 1000;
    private static final String CATALOG_VERSION = "version";
    /** Versions looked up per read while building a feed. */
    private static final int FEED_WINDOW = 256;

    /** The caches as one open transaction sees them; reads lock the keys they read until commit. */
    interface Tx {
        byte[] get(HqCache cache, String key);

        Map<String, byte[]> getAll(HqCache cache, Set<String> keys);

        void put(HqCache cache, String key, byte[] value);

        void putAll(HqCache cache, Map<String, byte[]> values);
    }

    /** Runs {@code body} in one pessimistic REPEATABLE_READ transaction and commits it (durably: FSYNC WAL). */
    protected abstract <T> T transaction(Function<Tx, T> body);

    /** One value, outside any transaction. */
    protected abstract byte[] read(HqCache cache, String key);

    /** Several values, outside any transaction; absent keys are left out. */
    protected abstract Map<String, byte[]> readAll(HqCache cache, Set<String> keys);

    /** Every key and value of a small cache (stores, quarantine), outside any transaction. */
    protected Map<String, byte[]> scan(HqCache cache) {
        Map<String, byte[]> out = new HashMap<>();
        scanEach(cache, out::put);
        return out;
    }

    /** Every key and value of a cache, one at a time (a large cache is never held whole). */
    protected abstract void scanEach(HqCache cache, java.util.function.BiConsumer<String, byte[]> visit);

    @Override
    public void forEachEntry(String store, java.util.function.Consumer<byte[]> visit) {
        String prefix = Codec.checkStore(store) + "|";
        scanEach(HqCache.ENTRIES, (key, value) -> {
            if (key.startsWith(prefix)) {
                byte[] entry = Codec.acceptedEntry(value);
                if (entry != null) {
                    visit.accept(entry);
                }
            }
        });
    }

    @Override
    public VersionVector vector(String store) {
        return Codec.vectorProto(Codec.storeRecord(read(HqCache.STORES, Codec.checkStore(store))).vector());
    }

    @Override
    public IngestResult ingest(String store, List<ByteString> entries, long nowMillis) {
        Codec.checkStore(store);
        MessageDigest md = CheckedEntry.digest();
        List<CheckedEntry> batch = new ArrayList<>(entries.size());
        for (ByteString e : entries) {
            batch.add(CheckedEntry.check(e, md));
        }
        return transaction(tx -> apply(tx, store, batch, nowMillis));
    }

    /** The ingest transaction's body; see {@link HqStore#ingest}. */
    private static IngestResult apply(Tx tx, String store, List<CheckedEntry> batch, long now) {
        // Read (and lock) the store's record first: every ingest of this store queues here, so two
        // leaders uploading at once are applied one after the other and the second finds the first's work.
        Codec.StoreRecord before = Codec.storeRecord(tx.get(HqCache.STORES, store));
        SortedMap<String, Long> held = new TreeMap<>(before.vector());
        Map<String, CheckedEntry> fresh = new LinkedHashMap<>();
        List<CheckedEntry> repeats = new ArrayList<>();
        List<QuarantinedEntry> aside = new ArrayList<>();
        for (CheckedEntry c : batch) {
            if (!c.hasId()) {
                aside.add(quarantine(c, c.problem(), now));
                continue;
            }
            long h = held.getOrDefault(c.origin(), 0L);
            if (c.seq() == h + 1) {
                fresh.put(Codec.entryKey(store, c.origin(), c.seq()), c);
                held.put(c.origin(), c.seq());
            } else if (c.seq() <= h) {
                repeats.add(c);
            } else {
                // Storing it would put a gap under the vector; the leader resends from what HQ holds.
                long was = before.vector().getOrDefault(c.origin(), 0L);
                return new IngestResult(Codec.vectorProto(before.vector()), 0, 0, 0, "origin " + c.origin() + ": seq "
                        + c.seq() + " does not continue what headquarters holds (up to " + was + "); send from " + (was + 1));
            }
        }

        Set<String> toRead = new TreeSet<>();
        for (CheckedEntry r : repeats) {
            String key = Codec.entryKey(store, r.origin(), r.seq());
            if (!fresh.containsKey(key)) {
                toRead.add(key);
            }
        }
        Map<String, byte[]> stored = toRead.isEmpty() ? Map.of() : tx.getAll(HqCache.ENTRIES, toRead);
        int duplicates = 0;
        for (CheckedEntry r : repeats) {
            String key = Codec.entryKey(store, r.origin(), r.seq());
            CheckedEntry inBatch = fresh.get(key);
            byte[] heldHash = inBatch != null ? inBatch.sha256()
                    : stored.get(key) == null ? null : Codec.entryHash(stored.get(key));
            if (heldHash == null) {
                aside.add(quarantine(r, "headquarters' vector covers " + r.origin() + ":" + r.seq()
                        + " but holds no entry for it", now));
            } else if (Arrays.equals(heldHash, r.sha256())) {
                duplicates++;
            } else {
                // Never replace what was stored: keep both copies' evidence for an operator.
                aside.add(quarantine(r, "another copy of " + r.origin() + ":" + r.seq() + " is held with SHA-256 "
                        + java.util.HexFormat.of().formatHex(heldHash) + "; this one differs", now));
            }
        }

        Map<String, byte[]> writes = new TreeMap<>();
        long bills = 0;
        long refunds = 0;
        long voids = 0;
        long sales = 0;
        for (Map.Entry<String, CheckedEntry> f : fresh.entrySet()) {
            CheckedEntry c = f.getValue();
            if (c.problem() != null) {
                // Held (its seq advances the vector, so the queue behind it moves) but kept aside.
                writes.put(f.getKey(), Codec.entryValue(Codec.QUARANTINED, c.sha256(), c.bytes()));
                aside.add(quarantine(c, c.problem(), now));
            } else {
                writes.put(f.getKey(), Codec.entryValue(Codec.ACCEPTED, c.sha256(), c.bytes()));
                bills += c.bills();
                refunds += c.refunds();
                voids += c.voids();
                sales = Math.addExact(sales, c.salesDelta());
            }
        }

        Map<String, byte[]> asideWrites = new TreeMap<>();
        for (QuarantinedEntry q : aside) {
            asideWrites.put(Codec.quarantineKey(store, q.origin(), q.seq(), q.sha256()), Codec.quarantined(q));
        }
        // The same bad copy sent again (a retry, a second leader) is kept once and counted once.
        long newAside = asideWrites.size();
        if (!asideWrites.isEmpty()) {
            Map<String, byte[]> already = tx.getAll(HqCache.QUARANTINE, asideWrites.keySet());
            already.keySet().forEach(asideWrites::remove);
            newAside = asideWrites.size();
        }

        Codec.StoreRecord after = new Codec.StoreRecord(held, before.entries() + fresh.size(), before.bills() + bills,
                before.refunds() + refunds, before.voids() + voids, Math.addExact(before.salesTotal(), sales),
                before.quarantined() + newAside, before.duplicates() + duplicates, before.batches() + 1,
                Math.max(before.lastUploadAt(), now));
        if (!writes.isEmpty()) {
            tx.putAll(HqCache.ENTRIES, writes);
        }
        if (!asideWrites.isEmpty()) {
            tx.putAll(HqCache.QUARANTINE, asideWrites);
        }
        tx.put(HqCache.STORES, store, Codec.storeRecord(after));
        return new IngestResult(Codec.vectorProto(held), fresh.size(), duplicates, aside.size(), null);
    }

    private static QuarantinedEntry quarantine(CheckedEntry c, String reason, long now) {
        return new QuarantinedEntry(c.hasId() ? c.origin() : "", c.hasId() ? c.seq() : 0, c.hashHex(), reason, now,
                c.bytes().toByteArray());
    }

    @Override
    public Optional<StoreSummary> summary(String store) {
        byte[] v = read(HqCache.STORES, Codec.checkStore(store));
        return v == null ? Optional.empty() : Optional.of(Codec.storeRecord(v).toSummary(store));
    }

    @Override
    public List<StoreSummary> summaries() {
        List<StoreSummary> out = new ArrayList<>();
        new TreeMap<>(scan(HqCache.STORES)).forEach((store, v) -> out.add(Codec.storeRecord(v).toSummary(store)));
        return out;
    }

    @Override
    public List<QuarantinedEntry> quarantine(String store, int limit) {
        String prefix = Codec.quarantinePrefix(Codec.checkStore(store));
        return scan(HqCache.QUARANTINE).entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .map(e -> Codec.quarantined(e.getValue()))
                .sorted(Comparator.comparingLong(QuarantinedEntry::at).thenComparing(QuarantinedEntry::origin)
                        .thenComparingLong(QuarantinedEntry::seq).thenComparing(QuarantinedEntry::sha256))
                .limit(limit)
                .toList();
    }

    @Override
    public CatalogPublication publishCatalog(CatalogChange change) {
        List<CatalogUpdate.Builder> chunks = chunks(change);
        Map<String, byte[]> products = new TreeMap<>();
        for (Product p : change.products()) {
            products.put(p.getSku(), p.toByteArray());
        }
        return transaction(tx -> {
            // The version key first: publishers queue on it, so versions are gapless and each names one change.
            long current = Codec.longValue(tx.get(HqCache.CATALOG, CATALOG_VERSION), 0);
            String importKey = "import/" + change.contentHash();
            if (!change.contentHash().isEmpty()) {
                byte[] earlier = tx.get(HqCache.CATALOG, importKey);
                if (earlier != null) {
                    long v = Codec.longValue(earlier, 0);
                    return new CatalogPublication(v, (int) Codec.longValue(tx.get(HqCache.CATALOG, "chunks/" + v), 1), false);
                }
            }
            long version = current + 1;
            Map<String, byte[]> writes = new TreeMap<>();
            for (CatalogUpdate.Builder c : chunks) {
                writes.put("update/" + version + "/" + c.getChunk(), c.setVersion(version).build().toByteArray());
            }
            writes.put("chunks/" + version, Codec.longValue(chunks.size()));
            if (!change.contentHash().isEmpty()) {
                writes.put(importKey, Codec.longValue(version));
            }
            writes.put(CATALOG_VERSION, Codec.longValue(version));
            tx.putAll(HqCache.CATALOG, writes);
            if (!products.isEmpty()) {
                tx.putAll(HqCache.PRODUCTS, products);
            }
            return new CatalogPublication(version, chunks.size(), true);
        });
    }

    /** The change as updates of at most {@link #CHUNK_PRODUCTS} products; tax rates, promotions, prices and staff in the first. */
    private static List<CatalogUpdate.Builder> chunks(CatalogChange change) {
        List<Product> products = change.products();
        int n = Math.max(1, (products.size() + CHUNK_PRODUCTS - 1) / CHUNK_PRODUCTS);
        List<CatalogUpdate.Builder> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CatalogUpdate.Builder b = CatalogUpdate.newBuilder().setSource(change.source())
                    .setContentHash(change.contentHash()).setChunk(i).setChunks(n)
                    .addAllProducts(products.subList(i * CHUNK_PRODUCTS, Math.min(products.size(), (i + 1) * CHUNK_PRODUCTS)));
            if (i == 0) {
                b.addAllTaxRates(change.taxRates()).addAllPromotions(change.promotions())
                        .addAllPriceChanges(change.priceChanges()).addAllStaff(change.staff());
            }
            out.add(b);
        }
        return out;
    }

    @Override
    public long catalogVersion() {
        return Codec.longValue(read(HqCache.CATALOG, CATALOG_VERSION), 0);
    }

    @Override
    public CatalogFeed catalogSince(long since, int maxUpdates) {
        long top = catalogVersion();
        CatalogFeed.Builder feed = CatalogFeed.newBuilder().setVersion(top);
        long next = Math.max(0, since) + 1;
        while (next <= top && feed.getUpdatesCount() < maxUpdates) {
            long to = Math.min(top, next + FEED_WINDOW - 1);
            Set<String> countKeys = new TreeSet<>();
            for (long v = next; v <= to; v++) {
                countKeys.add("chunks/" + v);
            }
            Map<String, byte[]> counts = readAll(HqCache.CATALOG, countKeys);
            // Whole versions only: a leader takes the highest version it got as done, so half of one would be lost.
            List<Long> versions = new ArrayList<>();
            List<String> updateKeys = new ArrayList<>();
            int planned = feed.getUpdatesCount();
            long last = next - 1;
            for (long v = next; v <= to && planned < maxUpdates; v++) {
                byte[] n = counts.get("chunks/" + v);
                if (n == null) {
                    break;
                }
                int chunks = (int) Codec.longValue(n, 0);
                for (int c = 0; c < chunks; c++) {
                    updateKeys.add("update/" + v + "/" + c);
                    versions.add(v);
                }
                planned += chunks;
                last = v;
            }
            Map<String, byte[]> updates = updateKeys.isEmpty() ? Map.of() : readAll(HqCache.CATALOG, new TreeSet<>(updateKeys));
            for (int i = 0; i < updateKeys.size(); i++) {
                if (!updates.containsKey(updateKeys.get(i))) {
                    // A version being published right now, not readable in full yet: stop before it.
                    long partial = versions.get(i);
                    for (int j = 0; j < i && versions.get(j) < partial; j++) {
                        feed.addUpdates(parseUpdate(updates.get(updateKeys.get(j))));
                    }
                    return feed.build();
                }
            }
            for (String key : updateKeys) {
                feed.addUpdates(parseUpdate(updates.get(key)));
            }
            if (last < to) {
                break;
            }
            next = to + 1;
        }
        return feed.build();
    }

    private static CatalogUpdate parseUpdate(byte[] bytes) {
        try {
            return CatalogUpdate.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored catalog update is damaged", e);
        }
    }

    @Override
    public Optional<Product> product(String sku) {
        byte[] v = read(HqCache.PRODUCTS, sku);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Product.parseFrom(v));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored product " + sku + " is damaged", e);
        }
    }
}
