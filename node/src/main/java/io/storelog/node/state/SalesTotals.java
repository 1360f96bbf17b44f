package io.storelog.node.state;

import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Sales per business day, by till and by tender. Every field is a sum, so the fold is order
 * independent. Refunds and voids are counted on their own day and till, as negative tender amounts.
 */
final class SalesTotals {
    /** Sums for one till on one day. */
    static final class TillDay {
        long bills;
        long total;
        long tax;
        long refunds;
        long refundTotal;
        long voids;
        long voidTotal;
        long cashRounding;

        TillSales snapshot() {
            return new TillSales(bills, total, tax, refunds, refundTotal, voids, voidTotal, cashRounding);
        }

        String canonical() {
            // Rounding only when there is some, so a store without cash rounding keeps the digest it had.
            return bills + "," + total + "," + tax + "," + refunds + "," + refundTotal + "," + voids + "," + voidTotal
                    + (cashRounding == 0 ? "" : ",r" + cashRounding);
        }
    }

    private final TreeMap<String, TreeMap<String, TillDay>> byDayTill = new TreeMap<>();
    private final TreeMap<String, TreeMap<String, Long>> byDayTender = new TreeMap<>();

    void bill(String day, String till, long total, long tax, long cashRounding, Iterable<Tender> tenders) {
        TillDay t = tillDay(day, till);
        t.bills++;
        t.total += total;
        t.tax += tax;
        t.cashRounding += cashRounding;
        addTenders(day, tenders, 1);
    }

    void refund(String day, String till, long total, long cashRounding, Iterable<Tender> tenders) {
        TillDay t = tillDay(day, till);
        t.refunds++;
        t.refundTotal += total;
        // Cash paid out beyond the refund leaves the drawer, so it counts against the day's rounding.
        t.cashRounding -= cashRounding;
        addTenders(day, tenders, -1);
    }

    void voided(String day, String till, long total, Iterable<Tender> tenders) {
        TillDay t = tillDay(day, till);
        t.voids++;
        t.voidTotal += total;
        addTenders(day, tenders, -1);
    }

    SortedMap<String, TillSales> byTill(String day) {
        TreeMap<String, TillSales> out = new TreeMap<>();
        byDayTill.getOrDefault(day, new TreeMap<>()).forEach((k, v) -> out.put(k, v.snapshot()));
        return out;
    }

    SortedMap<String, Long> byTender(String day) {
        return new TreeMap<>(byDayTender.getOrDefault(day, new TreeMap<>()));
    }

    Map<String, TreeMap<String, TillDay>> allTillDays() {
        return byDayTill;
    }

    Map<String, TreeMap<String, Long>> allTenderDays() {
        return byDayTender;
    }

    void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(byDayTill.size());
        for (Map.Entry<String, TreeMap<String, TillDay>> d : byDayTill.entrySet()) {
            out.writeUTF(d.getKey());
            out.writeInt(d.getValue().size());
            for (Map.Entry<String, TillDay> t : d.getValue().entrySet()) {
                out.writeUTF(t.getKey());
                TillDay v = t.getValue();
                for (long x : new long[] {v.bills, v.total, v.tax, v.refunds, v.refundTotal, v.voids, v.voidTotal,
                        v.cashRounding}) {
                    out.writeLong(x);
                }
            }
        }
        out.writeInt(byDayTender.size());
        for (Map.Entry<String, TreeMap<String, Long>> d : byDayTender.entrySet()) {
            out.writeUTF(d.getKey());
            out.writeInt(d.getValue().size());
            for (Map.Entry<String, Long> t : d.getValue().entrySet()) {
                out.writeUTF(t.getKey());
                out.writeLong(t.getValue());
            }
        }
    }

    void readFrom(java.io.DataInputStream in) throws java.io.IOException {
        for (int days = in.readInt(); days > 0; days--) {
            TreeMap<String, TillDay> tills = byDayTill.computeIfAbsent(in.readUTF(), k -> new TreeMap<>());
            for (int n = in.readInt(); n > 0; n--) {
                TillDay v = new TillDay();
                tills.put(in.readUTF(), v);
                v.bills = in.readLong();
                v.total = in.readLong();
                v.tax = in.readLong();
                v.refunds = in.readLong();
                v.refundTotal = in.readLong();
                v.voids = in.readLong();
                v.voidTotal = in.readLong();
                v.cashRounding = in.readLong();
            }
        }
        for (int days = in.readInt(); days > 0; days--) {
            TreeMap<String, Long> tenders = byDayTender.computeIfAbsent(in.readUTF(), k -> new TreeMap<>());
            for (int n = in.readInt(); n > 0; n--) {
                tenders.put(in.readUTF(), in.readLong());
            }
        }
    }

    /** Report key of a tender: its type, or "custom:NAME" for a custom tender. */
    static String tenderKey(Tender t) {
        if (t.getType() == TenderType.CUSTOM) {
            return "custom:" + t.getName();
        }
        return t.getType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private void addTenders(String day, Iterable<Tender> tenders, int sign) {
        TreeMap<String, Long> m = byDayTender.computeIfAbsent(day, d -> new TreeMap<>());
        for (Tender t : tenders) {
            // Wrapping like the other sums: a fold over durable entries must never throw (see StockLevels).
            m.merge(tenderKey(t), sign * t.getAmount(), Long::sum);
        }
    }

    private TillDay tillDay(String day, String till) {
        return byDayTill.computeIfAbsent(day, d -> new TreeMap<>()).computeIfAbsent(till, t -> new TillDay());
    }
}
