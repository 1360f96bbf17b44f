package io.storelog.node.billing;

import java.util.List;

/**
 * A bill as the till asks for it. Prices and tax are never part of it: they come from the catalog.
 * {@code cashier} is not priced; the caller records it as the entry's actor.
 */
public record BillRequest(String clientBillId, List<LineRequest> lines, DiscountSpec discount,
                          List<TenderRequest> tenders, String customer, String cashier, List<VoidedLineRequest> voidedLines) {
    /** A bill without voided lines. */
    public BillRequest(String clientBillId, List<LineRequest> lines, DiscountSpec discount,
                       List<TenderRequest> tenders, String customer, String cashier) {
        this(clientBillId, lines, discount, tenders, customer, cashier, List.of());
    }

    public BillRequest {
        voidedLines = voidedLines == null ? List.of() : List.copyOf(voidedLines);
    }
}
