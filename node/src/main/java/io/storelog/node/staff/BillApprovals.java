package io.storelog.node.staff;

import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.LineRequest;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.Discount;
import java.util.ArrayList;
import java.util.List;

/**
 * Which priced bills need a supervisor: one with a line whose price was typed in (a price override),
 * or with a line or bill discount above the store's limit (approvals.discount-limit-percent) of what
 * it applies to. Marks overridden lines with the catalog price they replaced.
 */
public final class BillApprovals {
    private static final long BP_ONE = 10_000L;

    private final Approvals approvals;
    private final StoreState state;
    private final long discountLimitBp;

    /** Checks against a discount limit of {@code discountLimitBp} basis points. */
    public BillApprovals(Approvals approvals, StoreState state, int discountLimitBp) {
        this.approvals = approvals;
        this.state = state;
        this.discountLimitBp = discountLimitBp;
    }

    /**
     * The approver to record on the bill ("" when none is needed); {@link ApprovalNeeded} when one is
     * needed and {@code approval} does not give it.
     */
    public String approve(BillRequest request, BillCommitted.Builder priced, ApprovalRequest approval, String cashier) {
        List<String> overridden = new ArrayList<>();
        List<String> discounts = new ArrayList<>();
        long subtotal = 0;
        for (int i = 0; i < priced.getLinesCount(); i++) {
            BillLine.Builder line = priced.getLinesBuilder(i);
            LineRequest asked = request.lines().get(i);
            if (asked.priceOverride() != null) {
                long catalogPrice = state.product(asked.sku()).map(p -> p.product().getPrice()).orElse(0L);
                line.setPriceOverridden(true).setCatalogUnitPrice(catalogPrice);
                overridden.add("line " + line.getLineNo() + " " + line.getSku() + " at " + asked.priceOverride()
                        + " instead of " + catalogPrice);
            }
            if (line.hasDiscount() && aboveLimit(line.getDiscount(), line.getLineDiscount(), line.getGross())) {
                discounts.add("line " + line.getLineNo() + " discount of " + line.getLineDiscount() + " on " + line.getGross());
            }
            subtotal = Math.addExact(subtotal, line.getGross() - line.getLineDiscount());
        }
        if (priced.hasBillDiscount() && aboveLimit(priced.getBillDiscount(), priced.getBillDiscountAmount(), subtotal)) {
            discounts.add("bill discount of " + priced.getBillDiscountAmount() + " on " + subtotal);
        }
        List<String> voided = new ArrayList<>();
        for (var v : request.voidedLines()) {
            voided.add("voiding " + v.sku() + " x " + io.storelog.config.units.Decimals.formatMilli(v.qtyMilli()));
        }
        if (overridden.isEmpty() && discounts.isEmpty() && voided.isEmpty()) {
            return "";
        }
        String needs = !voided.isEmpty() ? "line-void" : overridden.isEmpty() ? "discount" : "price-override";
        List<String> what = new ArrayList<>(voided);
        what.addAll(overridden);
        if (!discounts.isEmpty()) {
            what.add(discounts.size() == 1 ? discounts.get(0) + " above the " + limitText() + " limit"
                    : String.join(", ", discounts) + " above the " + limitText() + " limit");
        }
        return approvals.require(needs, "this bill (" + String.join("; ", what) + ")", approval, cashier);
    }

    /**
     * A percent discount is judged by the percent asked for (so rounding a 10% discount up by a cent
     * does not put it above a 10% limit); an amount by the share it takes of what it applies to.
     */
    private boolean aboveLimit(Discount asked, long discount, long base) {
        if (asked.hasPercentBp()) {
            return asked.getPercentBp() > discountLimitBp;
        }
        return discount > 0 && Math.multiplyExact(discount, BP_ONE) > Math.multiplyExact(discountLimitBp, base);
    }

    private String limitText() {
        return java.math.BigDecimal.valueOf(discountLimitBp, 2).stripTrailingZeros().toPlainString() + "%";
    }
}
