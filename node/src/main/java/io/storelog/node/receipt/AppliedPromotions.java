package io.storelog.node.receipt;

import io.storelog.protocol.BillCommitted;
import java.util.List;

/** The receipt's "Promotions" section: the promotions a stored bill records as applied (none: no section). */
public final class AppliedPromotions {
    private AppliedPromotions() {
    }

    /** The promotions applied to {@code bill}, in the order the bill stores them (by promotion id). */
    public static List<PromotionLine> of(BillCommitted bill) {
        return bill.getPromotionsList().stream().map(p -> new PromotionLine(p.getName(), p.getAmount())).toList();
    }
}
