package io.storelog.node.receipt;

import io.storelog.protocol.BillCommitted;
import java.util.List;

/**
 * The hook for the receipt's "Promotions" section: the promotions a stored bill records as applied.
 * Bills carry no promotion data yet (promotions are built on another branch); when they do, this is the
 * one place that reads them, and the receipt renders whatever it returns. Empty: no section is printed.
 */
public final class AppliedPromotions {
    private AppliedPromotions() {
    }

    /** The promotions applied to {@code bill}, in the order they were applied. */
    public static List<PromotionLine> of(BillCommitted bill) {
        return List.of();
    }
}
