package io.storelog.node.state;

/** Sales of one till on one business day, in minor units. */
public record TillSales(long bills, long total, long tax, long refunds, long refundTotal, long voids, long voidTotal) {
    /** Sales net of refunds and voids. */
    public long net() {
        return total - refundTotal - voidTotal;
    }
}
