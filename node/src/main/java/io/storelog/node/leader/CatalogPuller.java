package io.storelog.node.leader;

import io.storelog.node.merge.MergedLog;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.CatalogFeed;
import io.storelog.protocol.CatalogUpdate;
import io.storelog.protocol.Entry;
import io.storelog.protocol.Product;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns headquarters' catalog feed into catalog entries in the store log, so every lane gets prices
 * through replication and the fold (highest HQ version wins) decides, whatever order leaders append
 * them in. An update is split into chunks of at most {@value #CHUNK_PRODUCTS} products (one entry each,
 * far below the frame limit); a chunk is keyed by HQ version, HQ chunk and sub-chunk, and one already in
 * the log is not appended again, so a new leader finishing an interrupted pull adds only what is missing.
 * Confined to the uploader's thread.
 */
final class CatalogPuller {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogPuller.class);
    static final int CHUNK_PRODUCTS = 1000;

    private final MergedLog log;
    private final StoreState state;
    /** Highest HQ version whose every chunk this node appended or found in the log; -1 until the first pull as leader. */
    private long doneUpTo = -1;
    private long lastPullNanos;

    CatalogPuller(MergedLog log, StoreState state) {
        this.log = log;
        this.state = state;
    }

    /** Leadership was lost: the next pull starts by repairing whatever the log holds. */
    void reset() {
        doneUpTo = -1;
    }

    /**
     * Whether a pull is due: first pull as leader, HQ published more than is done here, or a while
     * passed (an HQ that does not report its catalog version is still followed).
     */
    boolean due(long hqCatalogVersion, long refreshNanos) {
        return doneUpTo < 0 || hqCatalogVersion > doneUpTo || System.nanoTime() - lastPullNanos > refreshNanos;
    }

    /**
     * The version to ask for changes after. On the first pull of a leadership the highest version held
     * is asked again (since = it minus one): a leader that died between two chunks of it left it partial.
     */
    long since() {
        return doneUpTo >= 0 ? doneUpTo : Math.max(0, state.catalogVersion() - 1);
    }

    /** Appends what the feed holds that the log lacks; completes once those entries are durable. */
    CompletableFuture<Integer> apply(CatalogFeed feed) {
        lastPullNanos = System.nanoTime();
        List<CatalogUpdate> updates = new ArrayList<>(feed.getUpdatesList());
        updates.sort(Comparator.comparingLong(CatalogUpdate::getVersion));
        List<CompletableFuture<MergedLog.Appended>> writes = new ArrayList<>();
        long highest = Math.max(doneUpTo, 0);
        java.util.Set<String> queued = new java.util.HashSet<>();
        for (CatalogUpdate u : updates) {
            if (u.getVersion() < 1) {
                // Version 0 is a local file import's: from HQ it would lose to any bootstrap file.
                LOG.warn("headquarters sent a catalog update without a version; ignored");
                continue;
            }
            List<CatalogUpdate> chunks = split(u);
            for (CatalogUpdate c : chunks) {
                if (!state.catalogChunkImported(c.getContentHash(), c.getChunk())
                        && queued.add(c.getContentHash() + "#" + c.getChunk())) {
                    writes.add(log.appendOwn((seq, stamp) -> Entry.newBuilder().setActor("hq").setCatalogUpdate(c)));
                }
            }
            highest = Math.max(highest, u.getVersion());
        }
        long reached = highest;
        int n = writes.size();
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(v -> {
            if (n > 0) {
                LOG.info("catalog from headquarters: {} entries appended, now at version {}", n, state.catalogVersion());
            }
            return n;
        }).whenComplete((v, t) -> {
            if (t == null) {
                doneUpTo = Math.max(doneUpTo, reached);
            }
        });
    }

    /** Whether the feed said more is published than it carried (a paged answer): pull again at once. */
    boolean morePublished(CatalogFeed feed) {
        return !feed.getUpdatesList().isEmpty() && feed.getVersion() > doneUpTo;
    }

    /**
     * One update as entries: products sorted by SKU; tax rates, promotions, scheduled prices and staff in the first
     * chunk; the key in content_hash/chunk.
     */
    static List<CatalogUpdate> split(CatalogUpdate u) {
        List<Product> products = new ArrayList<>(u.getProductsList());
        products.sort(Comparator.comparing(Product::getSku));
        int chunks = Math.max(1, (products.size() + CHUNK_PRODUCTS - 1) / CHUNK_PRODUCTS);
        String key = "hq:" + u.getVersion() + ":" + u.getChunk();
        List<CatalogUpdate> out = new ArrayList<>(chunks);
        for (int i = 0; i < chunks; i++) {
            CatalogUpdate.Builder b = CatalogUpdate.newBuilder().setSource("hq").setVersion(u.getVersion())
                    .setContentHash(key).setChunk(i).setChunks(chunks)
                    .addAllProducts(products.subList(i * CHUNK_PRODUCTS, Math.min(products.size(), (i + 1) * CHUNK_PRODUCTS)));
            if (i == 0) {
                b.addAllTaxRates(u.getTaxRatesList().stream().sorted(Comparator.comparing(io.storelog.protocol.TaxRate::getTaxClass)).toList());
                // Promotions and scheduled prices ride in the first chunk, as tax rates do, sorted as entry.proto asks.
                b.addAllPromotions(u.getPromotionsList().stream()
                        .sorted(Comparator.comparing(io.storelog.protocol.Promotion::getId)).toList());
                b.addAllPriceChanges(u.getPriceChangesList().stream()
                        .sorted(Comparator.comparing(io.storelog.protocol.PriceChange::getSku)
                                .thenComparingLong(io.storelog.protocol.PriceChange::getEffectiveAtMs)).toList());
                b.addAllStaff(u.getStaffList().stream()
                        .sorted(Comparator.comparing(io.storelog.protocol.StaffUpdate::getStaffId)).toList());
            }
            out.add(b.build());
        }
        return out;
    }
}
