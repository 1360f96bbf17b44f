package io.storelog.node.service;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.Entry;
import io.storelog.protocol.GoodsReceived;
import io.storelog.protocol.StockAdjusted;
import io.storelog.protocol.StockCounted;
import java.util.concurrent.CompletableFuture;

/** Goods received, adjustments and counts: each an entry, answered when durable. */
public final class StockService {
    private final MergedLog log;
    private final StoreState state;

    /** A stock service writing to {@code log}. */
    public StockService(MergedLog log, StoreState state) {
        this.log = log;
        this.state = state;
    }

    /** Records goods received (a positive quantity). */
    public CompletableFuture<MergedLog.Appended> receive(String sku, long qtyMilli, String reason, String actor) {
        requireKnown(sku);
        if (qtyMilli <= 0) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "qty of a receipt must be positive");
        }
        requireCountable(sku, qtyMilli);
        return log.appendOwn((seq, stamp) -> Entry.newBuilder().setActor(actor)
                .setGoodsReceived(GoodsReceived.newBuilder().setSku(sku).setQtyMilli(qtyMilli).setReason(reason)));
    }

    /** Records a signed stock adjustment. */
    public CompletableFuture<MergedLog.Appended> adjust(String sku, long deltaMilli, String reason, String actor) {
        requireKnown(sku);
        if (deltaMilli == 0) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "qty of an adjustment must not be zero");
        }
        requireCountable(sku, deltaMilli);
        return log.appendOwn((seq, stamp) -> Entry.newBuilder().setActor(actor)
                .setStockAdjusted(StockAdjusted.newBuilder().setSku(sku).setDeltaMilli(deltaMilli).setReason(reason)));
    }

    /** Records a count: what this node saw and what was counted, so the correction is a fixed delta. */
    public CompletableFuture<MergedLog.Appended> count(String sku, long countedMilli, String reason, String actor) {
        requireKnown(sku);
        if (countedMilli < 0) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "counted must not be negative");
        }
        return log.appendOwn((seq, stamp) -> {
            long seen = state.onHandMilli(sku);
            return Entry.newBuilder().setActor(actor).setStockCounted(StockCounted.newBuilder().setSku(sku)
                    .setSeenMilli(seen).setCountedMilli(countedMilli).setDeltaMilli(countedMilli - seen).setReason(reason));
        });
    }

    /** Refuses a movement that would take the stock counter past what a long holds (it would wrap). */
    private void requireCountable(String sku, long deltaMilli) {
        try {
            Math.addExact(state.onHandMilli(sku), deltaMilli);
        } catch (ArithmeticException e) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "qty would take the stock of '" + sku
                    + "' out of range");
        }
    }

    private void requireKnown(String sku) {
        if (sku == null || sku.isBlank()) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "sku is required");
        }
        if (state.product(sku).isEmpty()) {
            throw new StoreLogException(ErrorCode.UNKNOWN_SKU, "unknown SKU '" + sku + "'");
        }
    }
}
