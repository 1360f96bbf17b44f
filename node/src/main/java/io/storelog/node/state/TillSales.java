package io.storelog.node.state;

/**
 * Sales of one till on one business day, in minor units. {@code cashRounding} is what cash paid beyond
 * the bills' totals (negative: less) because cash settles to the smallest coin, net of cash refunds;
 * the cash in the drawer is the cash tenders plus it.
 */
public record TillSales(long bills, long total, long tax, long refunds, long refundTotal, long voids, long voidTotal,
                        long cashRounding) {
    /** Sales without cash rounding. */
    public TillSales(long bills, long total, long tax, long refunds, long refundTotal, long voids, long voidTotal) {
        this(bills, total, tax, refunds, refundTotal, voids, voidTotal, 0);
    }

    /** Sales net of refunds and voids. */
    public long net() {
        return total - refundTotal - voidTotal;
    }
}
