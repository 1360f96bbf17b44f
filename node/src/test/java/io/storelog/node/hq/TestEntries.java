package io.storelog.node.hq;

import com.google.protobuf.ByteString;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.BillRefunded;
import io.storelog.protocol.Entry;
import io.storelog.protocol.GoodsReceived;
import io.storelog.protocol.HlcStamp;
import io.storelog.protocol.RefundLine;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Entries as a store's nodes write them, and whole store logs with their expected totals. */
final class TestEntries {
    private TestEntries() {
    }

    static Entry.Builder envelope(String origin, long seq) {
        String node = origin.substring(0, origin.indexOf('-'));
        return Entry.newBuilder().setOrigin(origin).setSeq(seq).setNode(node)
                .setHlc(HlcStamp.newBuilder().setWallMs(1_750_000_000_000L + seq));
    }

    /** A committed bill of one line paying {@code total} in cash. */
    static ByteString bill(String origin, long seq, long total) {
        String till = origin.substring(0, origin.indexOf('-'));
        return envelope(origin, seq).setBill(BillCommitted.newBuilder()
                .setClientBillId(origin + "-bill-" + seq).setTill(till).setNumber(seq).setBusinessDay("2025-06-15")
                .addLines(BillLine.newBuilder().setLineNo(1).setSku("sku-" + seq % 17).setName("item").setQtyMilli(1000)
                        .setUnitPrice(total).setTaxClass("standard").setTaxRateBp(2000).setGross(total).setNet(total))
                .setTotal(total)
                .addTenders(Tender.newBuilder().setType(TenderType.CASH).setAmount(total).setTendered(total))
                .setCurrency("EUR"))
                .build().toByteString();
    }

    /** A refund of {@code amount} on a bill. */
    static ByteString refund(String origin, long seq, String billId, long amount) {
        return envelope(origin, seq).setRefund(BillRefunded.newBuilder().setBillId(billId)
                .setClientRefundId(origin + "-refund-" + seq).setBusinessDay("2025-06-15")
                .addLines(RefundLine.newBuilder().setLineNo(1).setSku("sku-1").setQtyMilli(1000).setAmount(amount))
                .setTotal(amount))
                .build().toByteString();
    }

    /** A void of a whole bill of {@code total}. */
    static ByteString voided(String origin, long seq, String billId, long total) {
        return envelope(origin, seq).setVoid(io.storelog.protocol.BillVoided.newBuilder().setBillId(billId)
                .setBusinessDay("2025-06-15").setReason("wrong customer").setTotal(total))
                .build().toByteString();
    }

    /** A goods receipt: an entry that is no sale. */
    static ByteString goods(String origin, long seq) {
        return envelope(origin, seq).setGoodsReceived(GoodsReceived.newBuilder().setSku("sku-" + seq % 5).setQtyMilli(12_000))
                .build().toByteString();
    }

    /** Total of the bill at {@code seq} in {@link #log}: varied, so a lost or doubled bill changes the sum. */
    static long billTotal(long seq) {
        return 100 + (seq * 7919) % 10_000;
    }

    /** Bills {@code from..to} of {@code origin}, each with its {@link #billTotal}. */
    static List<ByteString> bills(String origin, long from, long to) {
        return bills(origin, from, to, -1);
    }

    /** Bills {@code from..to} of {@code origin} all with {@code total} (other bytes under the same ids), or {@link #billTotal} when negative. */
    static List<ByteString> bills(String origin, long from, long to, long total) {
        List<ByteString> out = new java.util.ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            out.add(bill(origin, seq, total < 0 ? billTotal(seq) : total));
        }
        return out;
    }

    /** Sum of {@link #billTotal} over seqs {@code from..to}. */
    static long billTotals(long from, long to) {
        long sum = 0;
        for (long seq = from; seq <= to; seq++) {
            sum += billTotal(seq);
        }
        return sum;
    }

    /**
     * A store's log: per origin, entries 1..perOrigin, odd seqs bills, even seqs goods receipts.
     *
     * @param byOrigin   origin -> entries in seq order
     * @param entries    how many entries in all
     * @param bills      how many of them are bills
     * @param salesTotal sum of the bill totals
     */
    record StoreLog(Map<String, List<ByteString>> byOrigin, long entries, long bills, long salesTotal) {
    }

    static StoreLog log(List<String> origins, int perOrigin) {
        Map<String, List<ByteString>> by = new LinkedHashMap<>();
        long bills = 0;
        long total = 0;
        for (String origin : origins) {
            List<ByteString> list = new ArrayList<>(perOrigin);
            for (long seq = 1; seq <= perOrigin; seq++) {
                if (seq % 2 == 1) {
                    list.add(bill(origin, seq, billTotal(seq)));
                    bills++;
                    total += billTotal(seq);
                } else {
                    list.add(goods(origin, seq));
                }
            }
            by.put(origin, list);
        }
        return new StoreLog(by, (long) origins.size() * perOrigin, bills, total);
    }

    /** The log cut into batches of {@code size}, each origin's entries in seq order, origins interleaved. */
    static List<List<ByteString>> batches(StoreLog log, int size) {
        List<List<ByteString>> out = new ArrayList<>();
        List<ByteString> current = new ArrayList<>();
        int longest = log.byOrigin().values().stream().mapToInt(List::size).max().orElse(0);
        for (int start = 0; start < longest; start += size) {
            for (List<ByteString> entries : log.byOrigin().values()) {
                for (int i = start; i < Math.min(entries.size(), start + size); i++) {
                    current.add(entries.get(i));
                    if (current.size() == size) {
                        out.add(current);
                        current = new ArrayList<>();
                    }
                }
            }
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }
}
