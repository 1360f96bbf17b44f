package io.storelog.node.shift;

import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillRefunded;
import io.storelog.protocol.BillVoided;
import io.storelog.protocol.CashMovement;
import io.storelog.protocol.CashMovementKind;
import io.storelog.protocol.Entry;
import io.storelog.protocol.ReportFigures;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderCount;
import io.storelog.protocol.TenderType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sums the entries a report covers: bills (applied amount per tender, cash handed over, change),
 * refunds and voids (per tender), opening floats and cash paid in or out. What the drawer should hold
 * per tender is sales - refunds - voids, and for cash also + floats + paid in - paid out, which is
 * float + cash handed over - change - cash refunds - cash voids + paid in - paid out.
 * Entries of other kinds are skipped. Exact long arithmetic throughout.
 */
public final class Figures {
    /** Tender key: type number, then custom name, so the order is the same on every node. */
    private record Key(int type, String name) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Integer.compare(type, o.type);
            return c != 0 ? c : name.compareTo(o.name);
        }
    }

    private final ReportFigures.Builder f = ReportFigures.newBuilder();
    private final TreeMap<Key, Long> sales = new TreeMap<>();
    private final TreeMap<Key, Long> refunds = new TreeMap<>();
    private final TreeMap<Key, Long> voids = new TreeMap<>();

    /** Adds one covered entry. */
    public void add(Entry e) {
        switch (e.getBodyCase()) {
            case BILL -> bill(e.getBill());
            case REFUND -> refund(e.getRefund());
            case VOID -> voided(e.getVoid());
            case SHIFT_OPENED -> f.setShiftsOpened(f.getShiftsOpened() + 1)
                    .setOpeningFloat(Math.addExact(f.getOpeningFloat(), e.getShiftOpened().getOpeningFloat()));
            case CASH_MOVEMENT -> movement(e.getCashMovement());
            default -> {
                // Stock, catalog, staff, shift closes and reports move no money.
            }
        }
    }

    private void bill(BillCommitted b) {
        f.setBills(f.getBills() + 1).setSalesTotal(Math.addExact(f.getSalesTotal(), b.getTotal()))
                .setSalesTax(Math.addExact(f.getSalesTax(), b.getTax())).setChange(Math.addExact(f.getChange(), b.getChange()));
        for (Tender t : b.getTendersList()) {
            sales.merge(key(t), t.getAmount(), Math::addExact);
            if (t.getType() == TenderType.CASH) {
                f.setCashTendered(Math.addExact(f.getCashTendered(), t.getTendered()));
            }
        }
    }

    private void refund(BillRefunded r) {
        f.setRefunds(f.getRefunds() + 1).setRefundTotal(Math.addExact(f.getRefundTotal(), r.getTotal()));
        r.getTendersList().forEach(t -> refunds.merge(key(t), t.getAmount(), Math::addExact));
    }

    private void voided(BillVoided v) {
        f.setVoids(f.getVoids() + 1).setVoidTotal(Math.addExact(f.getVoidTotal(), v.getTotal()));
        v.getTendersList().forEach(t -> voids.merge(key(t), t.getAmount(), Math::addExact));
    }

    private void movement(CashMovement m) {
        f.setCashMovements(f.getCashMovements() + 1);
        if (m.getKind() == CashMovementKind.PAID_IN) {
            f.setPaidIn(Math.addExact(f.getPaidIn(), m.getAmount()));
        } else if (m.getKind() == CashMovementKind.PAID_OUT) {
            f.setPaidOut(Math.addExact(f.getPaidOut(), m.getAmount()));
        }
    }

    /** The sums, with the expected amount per tender (cash always listed). */
    public ReportFigures build() {
        ReportFigures.Builder out = f.clone();
        sales.forEach((k, v) -> out.addSalesByTender(count(k, v)));
        refunds.forEach((k, v) -> out.addRefundsByTender(count(k, v)));
        voids.forEach((k, v) -> out.addVoidsByTender(count(k, v)));
        TreeMap<Key, Long> expected = new TreeMap<>();
        expected.put(new Key(TenderType.CASH_VALUE, ""), 0L);
        sales.forEach((k, v) -> expected.merge(k, v, Math::addExact));
        refunds.forEach((k, v) -> expected.merge(k, -v, Math::addExact));
        voids.forEach((k, v) -> expected.merge(k, -v, Math::addExact));
        expected.merge(new Key(TenderType.CASH_VALUE, ""),
                Math.subtractExact(Math.addExact(f.getOpeningFloat(), f.getPaidIn()), f.getPaidOut()), Math::addExact);
        expected.forEach((k, v) -> out.addExpected(count(k, v)));
        return out.build();
    }

    /** Tender counts as a map keyed like the API shows tenders: the type, or {@code custom:NAME}. */
    public static Map<String, Long> byTender(List<TenderCount> counts) {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        counts.forEach(c -> out.put(tenderKey(c.getType(), c.getName()), c.getAmount()));
        return out;
    }

    /** How the API names a tender: {@code cash}, {@code card}, {@code wallet} or {@code custom:NAME}. */
    public static String tenderKey(TenderType type, String name) {
        String t = type.name().toLowerCase(java.util.Locale.ROOT);
        return type == TenderType.CUSTOM ? t + ":" + name : t;
    }

    private static Key key(Tender t) {
        return new Key(t.getTypeValue(), t.getType() == TenderType.CUSTOM ? t.getName() : "");
    }

    private static TenderCount count(Key k, long amount) {
        return TenderCount.newBuilder().setTypeValue(k.type()).setName(k.name()).setAmount(amount).build();
    }
}
