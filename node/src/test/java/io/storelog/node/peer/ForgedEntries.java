package io.storelog.node.peer;

import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.Entry;
import io.storelog.protocol.GoodsReceived;
import io.storelog.protocol.HlcStamp;
import io.storelog.protocol.StockAdjusted;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;

/** Valid entries of any origin, built by hand as a forger (or another node) would. */
final class ForgedEntries {
    private ForgedEntries() {
    }

    private static Entry.Builder envelope(String origin, long seq, String node) {
        return Entry.newBuilder().setOrigin(origin).setSeq(seq).setNode(node).setActor("mallory")
                .setHlc(HlcStamp.newBuilder().setWallMs(System.currentTimeMillis()).setCounter((int) seq));
    }

    /** A bill of {@code qtyMilli} of {@code sku} at {@code price} per unit, paid in cash. */
    static Entry bill(String origin, long seq, String till, long number, String cart, String sku, long qtyMilli, long price) {
        long total = qtyMilli * price / 1000;
        return envelope(origin, seq, till).setBill(BillCommitted.newBuilder().setClientBillId(cart).setTill(till).setNumber(number)
                .setBusinessDay("2026-11-27").setCurrency("EUR").setTotal(total)
                .addLines(BillLine.newBuilder().setLineNo(1).setSku(sku).setName(sku).setQtyMilli(qtyMilli).setUnitPrice(price)
                        .setTaxClass("standard").setGross(total).setNet(total))
                .addTenders(Tender.newBuilder().setType(TenderType.CASH).setAmount(total).setTendered(total))).build();
    }

    static Entry received(String origin, long seq, String sku, long qtyMilli) {
        return envelope(origin, seq, "forger").setGoodsReceived(GoodsReceived.newBuilder().setSku(sku).setQtyMilli(qtyMilli)
                .setReason("delivery")).build();
    }

    static Entry adjusted(String origin, long seq, String sku, long deltaMilli) {
        return envelope(origin, seq, "forger").setStockAdjusted(StockAdjusted.newBuilder().setSku(sku).setDeltaMilli(deltaMilli)
                .setReason("breakage")).build();
    }
}
