package io.storelog.node.service;

import io.storelog.config.catalog.CatalogItem;
import io.storelog.config.catalog.ItemUnit;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.CatalogUpdate;
import io.storelog.protocol.Entry;
import io.storelog.protocol.Product;
import io.storelog.protocol.TaxRate;
import io.storelog.protocol.Unit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Loads a local catalog file into the log as catalog entries (version 0: any catalog headquarters
 * publishes wins). The file is split into chunks that each stay well under the frame limit, and a
 * chunk already in the log (same file content hash) is not appended again, so re-importing a file,
 * or finishing an import a crash interrupted, adds only what is missing.
 */
public final class CatalogImporter {
    /** Products per catalog entry: about 100 KB of entry, far below any frame limit. */
    static final int CHUNK_PRODUCTS = 1000;

    private final MergedLog log;
    private final StoreState state;

    /** An importer writing to {@code log}. */
    public CatalogImporter(MergedLog log, StoreState state) {
        this.log = log;
        this.state = state;
    }

    /** Imports {@code items}; returns the number of entries appended (0 when already imported). */
    public int importItems(String sourceName, String contentHash, List<CatalogItem> items, Map<String, Integer> taxRatesBp) {
        TreeMap<String, Integer> rates = new TreeMap<>(taxRatesBp);
        for (CatalogItem item : items) {
            if (!rates.containsKey(item.taxClass())) {
                throw new StoreLogException(ErrorCode.BAD_REQUEST, "catalog " + sourceName + ": SKU " + item.sku()
                        + " has tax class '" + item.taxClass() + "' which store.tax-classes does not define");
            }
        }
        List<CatalogItem> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(CatalogItem::sku));
        int chunks = Math.max(1, (sorted.size() + CHUNK_PRODUCTS - 1) / CHUNK_PRODUCTS);
        List<CompletableFuture<MergedLog.Appended>> writes = new ArrayList<>();
        for (int chunk = 0; chunk < chunks; chunk++) {
            if (state.catalogChunkImported(contentHash, chunk)) {
                continue;
            }
            CatalogUpdate.Builder update = CatalogUpdate.newBuilder().setSource("file:" + sourceName)
                    .setContentHash(contentHash).setChunk(chunk).setChunks(chunks).setVersion(0);
            if (chunk == 0) {
                rates.forEach((cls, bp) -> update.addTaxRates(TaxRate.newBuilder().setTaxClass(cls).setRateBp(bp)));
            }
            for (CatalogItem item : sorted.subList(chunk * CHUNK_PRODUCTS, Math.min(sorted.size(), (chunk + 1) * CHUNK_PRODUCTS))) {
                update.addProducts(Product.newBuilder().setSku(item.sku()).setBarcode(item.barcode()).setName(item.name())
                        .setPrice(item.price()).setTaxClass(item.taxClass())
                        .setUnit(item.unit() == ItemUnit.KG ? Unit.KG : Unit.EACH).setActive(true));
            }
            writes.add(log.appendOwn((seq, stamp) -> Entry.newBuilder().setActor("catalog-import").setCatalogUpdate(update)));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        return writes.size();
    }
}
