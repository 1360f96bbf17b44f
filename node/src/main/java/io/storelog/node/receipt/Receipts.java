package io.storelog.node.receipt;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.service.BillService;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.Entry;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.function.ToIntBiFunction;

/**
 * Receipts of stored bills. The original is what the till prints from the sale's answer (and what
 * {@link #original} renders again for viewing); every later print is a copy, recorded as a log entry
 * so that every lane numbers copies alike. Whether a bill is held by this lane only is not a fact of the
 * bill (BillCommitted reserves the field): the receipt says what this node knows when it renders it,
 * from the version vectors its linked peers last sent.
 */
public final class Receipts {
    private final BillService bills;
    private final StoreState state;
    private final String store;
    private final ZoneId zone;
    private final int currencyExponent;
    private final Supplier<String> ownOrigin;
    private final ToIntBiFunction<String, Long> peersHolding;

    /**
     * Receipts for bills of {@code bills}; {@code peersHolding} counts linked peers holding (origin, seq),
     * {@code ownOrigin} is this node's incarnation id.
     */
    public Receipts(BillService bills, StoreState state, String store, ZoneId zone, int currencyExponent,
            Supplier<String> ownOrigin, ToIntBiFunction<String, Long> peersHolding) {
        this.bills = bills;
        this.state = state;
        this.store = store;
        this.zone = zone;
        this.currencyExponent = currencyExponent;
        this.ownOrigin = ownOrigin;
        this.peersHolding = peersHolding;
    }

    /** The bill's receipt as first printed (no COPY mark); NOT_FOUND for an unknown bill. */
    public Receipt original(String billId) {
        return render(bill(billId), 0);
    }

    /** Logs a reprint, then renders the copy with its number; completes once the reprint entry is durable. */
    public CompletableFuture<Receipt> reprint(String billId, String reason, String cashier) {
        Entry bill = bill(billId);
        return bills.reprint(billId, reason, cashier)
                .thenApply(logged -> render(bill, Math.max(1, state.reprintsOf(billId))));
    }

    private Receipt render(Entry bill, int copy) {
        int lanes = 1 + peersHolding.applyAsInt(bill.getOrigin(), bill.getSeq());
        if (!bill.getOrigin().equals(ownOrigin.get())) {
            // It came from another lane, which holds it too.
            lanes = Math.max(lanes, 2);
        }
        return ReceiptText.render(bill, new ReceiptContext(store, zone, currencyExponent, lanes, copy));
    }

    private Entry bill(String billId) {
        return bills.bill(billId).orElseThrow(() -> new StoreLogException(ErrorCode.NOT_FOUND, "bill " + billId + " not found"));
    }
}
