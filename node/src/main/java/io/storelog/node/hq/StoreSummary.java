package io.storelog.node.hq;

import io.storelog.protocol.VersionVector;

/**
 * What HQ holds of one store, kept up to date by every ingest transaction.
 *
 * @param store        store id
 * @param vector       origin -> highest contiguous seq held
 * @param entries      entries held (the sum of the vector), quarantined new entries included
 * @param bills        bills committed
 * @param refunds      refunds
 * @param voids        voided bills
 * @param salesTotal   bill totals minus refunds and voids, in minor units
 * @param quarantined  entries quarantined
 * @param duplicates   entries received again with the same bytes (bandwidth two leaders cost)
 * @param batches      batches applied
 * @param lastUploadAt epoch millis of the last batch applied, 0 if none
 */
public record StoreSummary(String store, VersionVector vector, long entries, long bills, long refunds, long voids,
        long salesTotal, long quarantined, long duplicates, long batches, long lastUploadAt) {
}
