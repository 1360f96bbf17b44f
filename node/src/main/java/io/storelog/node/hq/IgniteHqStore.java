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
import java.util.HashSet;
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
        // Only what the vector covers: an entry above it was written by an ingest whose commit never came
        // (EmbeddedIgniteStore streams entries before the transaction that advances the vector).
        Map<String, Long> vector = Codec.storeRecord(read(HqCache.STORES, store)).vector();
        scanEach(HqCache.ENTRIES, (key, value) -> {
            if (key.startsWith(prefix) && Codec.coveredBy(key, prefix.length(), vector)) {
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
        return store(store, batch, nowMillis);
    }

    /**
     * Applies a checked batch: here one transaction that locks the store's record, reads what it must, writes
     * the new entries (sorted keys, so concurrent transactions lock in one order) and the record.
     */
    protected IngestResult store(String store, List<CheckedEntry> batch, long now) {
        return transaction(tx -> {
            // Read (and lock) the store's record first: every ingest of this store queues here, so two
            // leaders uploading at once are applied one after the other and the second finds the first's work.
            Codec.StoreRecord record = Codec.storeRecord(tx.get(HqCache.STORES, store));
            Plan plan = plan(store, record.vector(), batch, now, new TreeMap<>(), AboveVector.NONE,
                    keys -> tx.getAll(HqCache.ENTRIES, keys));
            if (plan.refusal != null) {
                return plan.refusal;
            }
            if (!plan.writes.isEmpty()) {
                tx.putAll(HqCache.ENTRIES, plan.writes);
            }
            return finish(tx, store, plan, record, now);
        });
    }

    /** Where entries above a store's vector may already be stored, so a fresh key there must be read before it is written. */
    @FunctionalInterface
    interface AboveVector {
        /** None anywhere: every write of a fresh key is a plain put that the same transaction counts. */
        AboveVector NONE = (origin, seq) -> false;

        boolean mayHold(String origin, long seq);
    }

    /** One batch sorted against what the store holds: what to write, what to set aside, and the record after it. */
    static final class Plan {
        /** The refusal when the batch leaves a gap; then nothing else is set. */
        IngestResult refusal;
        /** Fresh entries not stored yet: key to stored value. */
        final Map<String, byte[]> writes;
        /** The highest fresh seq per origin (where this batch writes above the vector). */
        final Map<String, Long> top = new HashMap<>();
        final List<QuarantinedEntry> aside = new ArrayList<>();
        /** The vector the batch was classified against; the transaction must find the store's vector equal to it. */
        Map<String, Long> before;
        SortedMap<String, Long> held;
        int fresh;
        int duplicates;
        long bills;
        long refunds;
        long voids;
        long sales;

        Plan(Map<String, byte[]> writes) {
            this.writes = writes;
        }
    }

    /**
     * Classifies a batch against a store's vector (as read, or as the batches before it will leave it): fresh
     * entries (continuing the vector), repeats (compared by SHA-256 with the copy held) and a gap (refused).
     * A fresh key that {@code above}
     * says may already be stored is read too; a copy found there is the one headquarters holds (see
     * {@link EmbeddedIgniteStore}): the same hash is counted as fresh without a write, another hash keeps
     * the stored copy and quarantines the new one.
     */
    static Plan plan(String store, Map<String, Long> vector, List<CheckedEntry> batch, long now, Map<String, byte[]> writes,
            AboveVector above, Function<Set<String>, Map<String, byte[]>> getAll) {
        Plan p = new Plan(writes);
        p.before = vector;
        SortedMap<String, Long> held = new TreeMap<>(vector);
        p.held = held;
        Map<String, CheckedEntry> fresh = new LinkedHashMap<>();
        List<CheckedEntry> repeats = new ArrayList<>();
        // Sorted: inside a pessimistic transaction getAll locks the keys, and one order rules out deadlocks.
        Set<String> toRead = new TreeSet<>();
        for (CheckedEntry c : batch) {
            if (!c.hasId()) {
                p.aside.add(quarantine(c, c.problem(), now));
                continue;
            }
            long h = held.getOrDefault(c.origin(), 0L);
            if (c.seq() == h + 1) {
                String key = Codec.entryKey(store, c.origin(), c.seq());
                fresh.put(key, c);
                held.put(c.origin(), c.seq());
                p.top.put(c.origin(), c.seq());
                if (above.mayHold(c.origin(), c.seq())) {
                    toRead.add(key);
                }
            } else if (c.seq() <= h) {
                repeats.add(c);
            } else {
                // Storing it would put a gap under the vector; the leader resends from what HQ holds.
                long was = vector.getOrDefault(c.origin(), 0L);
                p.refusal = new IngestResult(Codec.vectorProto(vector), 0, 0, 0, "origin " + c.origin() + ": seq "
                        + c.seq() + " does not continue what headquarters holds (up to " + was + "); send from " + (was + 1));
                return p;
            }
        }
        for (CheckedEntry r : repeats) {
            String key = Codec.entryKey(store, r.origin(), r.seq());
            if (!fresh.containsKey(key)) {
                toRead.add(key);
            }
        }
        Map<String, byte[]> stored = toRead.isEmpty() ? Map.of() : getAll.apply(toRead);

        Set<String> storedAlready = new HashSet<>();
        MessageDigest md = null;
        for (Map.Entry<String, CheckedEntry> f : fresh.entrySet()) {
            byte[] value = stored.get(f.getKey());
            if (value == null) {
                continue;
            }
            storedAlready.add(f.getKey());
            CheckedEntry sent = f.getValue();
            byte[] heldHash = Codec.entryHash(value);
            if (!Arrays.equals(heldHash, sent.sha256())) {
                // Left by an ingest that never committed, and a different copy now: what is stored is held.
                md = md == null ? CheckedEntry.digest() : md;
                f.setValue(CheckedEntry.check(ByteString.copyFrom(Codec.storedEntry(value)), md));
                p.aside.add(quarantine(sent, differs(sent, heldHash), now));
            }
        }

        for (CheckedEntry r : repeats) {
            String key = Codec.entryKey(store, r.origin(), r.seq());
            CheckedEntry inBatch = fresh.get(key);
            byte[] heldHash = inBatch != null ? inBatch.sha256()
                    : stored.get(key) == null ? null : Codec.entryHash(stored.get(key));
            if (heldHash == null) {
                p.aside.add(quarantine(r, "headquarters' vector covers " + r.origin() + ":" + r.seq()
                        + " but holds no entry for it", now));
            } else if (Arrays.equals(heldHash, r.sha256())) {
                p.duplicates++;
            } else {
                // Never replace what was stored: keep both copies' evidence for an operator.
                p.aside.add(quarantine(r, differs(r, heldHash), now));
            }
        }

        for (Map.Entry<String, CheckedEntry> f : fresh.entrySet()) {
            CheckedEntry c = f.getValue();
            boolean write = !storedAlready.contains(f.getKey());
            if (c.problem() != null) {
                // Held (its seq advances the vector, so the queue behind it moves) but kept aside.
                if (write) {
                    writes.put(f.getKey(), Codec.entryValue(Codec.QUARANTINED, c.sha256(), c.bytes()));
                }
                p.aside.add(quarantine(c, c.problem(), now));
            } else {
                if (write) {
                    writes.put(f.getKey(), Codec.entryValue(Codec.ACCEPTED, c.sha256(), c.bytes()));
                }
                p.bills += c.bills();
                p.refunds += c.refunds();
                p.voids += c.voids();
                p.sales = Math.addExact(p.sales, c.salesDelta());
            }
        }
        p.fresh = fresh.size();
        return p;
    }

    private static String differs(CheckedEntry c, byte[] heldHash) {
        return "another copy of " + c.origin() + ":" + c.seq() + " is held with SHA-256 "
                + java.util.HexFormat.of().formatHex(heldHash) + "; this one differs";
    }

    /**
     * The rest of an ingest inside its transaction, after the entries: the quarantine (each bad copy kept and
     * counted once, whoever sent it again) and the store's record with the advanced vector and totals.
     * {@code before} is the store's record as this transaction holds it; its vector is the one the batch was
     * classified against.
     */
    static IngestResult finish(Tx tx, String store, Plan p, Codec.StoreRecord before, long now) {
        Map<String, byte[]> asideWrites = new TreeMap<>();
        for (QuarantinedEntry q : p.aside) {
            asideWrites.put(Codec.quarantineKey(store, q.origin(), q.seq(), q.sha256()), Codec.quarantined(q));
        }
        if (!asideWrites.isEmpty()) {
            Map<String, byte[]> already = tx.getAll(HqCache.QUARANTINE, asideWrites.keySet());
            already.keySet().forEach(asideWrites::remove);
        }
        long newAside = asideWrites.size();
        Codec.StoreRecord after = new Codec.StoreRecord(p.held, before.entries() + p.fresh, before.bills() + p.bills,
                before.refunds() + p.refunds, before.voids() + p.voids, Math.addExact(before.salesTotal(), p.sales),
                before.quarantined() + newAside, before.duplicates() + p.duplicates, before.batches() + 1,
                Math.max(before.lastUploadAt(), now));
        if (!asideWrites.isEmpty()) {
            tx.putAll(HqCache.QUARANTINE, asideWrites);
        }
        tx.put(HqCache.STORES, store, Codec.storeRecord(after));
        return new IngestResult(Codec.vectorProto(p.held), p.fresh, p.duplicates, p.aside.size(), null);
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
