package io.storelog.node.service;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.service.budget.BudgetService;
import io.storelog.node.state.BillSummary;
import io.storelog.node.state.BudgetKeys;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.BillVoided;
import io.storelog.protocol.Entry;
import io.storelog.protocol.RefundLine;
import io.storelog.protocol.Tender;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Voids whole bills: a BillVoided entry that carries every line, amount and tender it reverses, so
 * the fold never needs the bill to apply it. A bill is voided once; a bill with refunds is not voided
 * (refund what is left instead), so nothing is ever given back twice.
 */
public final class VoidService {
    private final MergedLog log;
    private final StoreState state;
    private final String till;
    private final BusinessCalendar calendar;
    /** Bills whose void is written but not yet durable (checked under the append lock). */
    private final Set<String> inflight = ConcurrentHashMap.newKeySet();
    private final BudgetService budgets;

    /** Voids written by till {@code till} to {@code log}. */
    public VoidService(MergedLog log, StoreState state, String till, BusinessCalendar calendar, BudgetService budgets) {
        this.log = log;
        this.budgets = budgets;
        this.state = state;
        this.till = till;
        this.calendar = calendar;
    }

    /**
     * Voids {@code billId}; {@code approver} is asked once the void is known to be possible and
     * returns the approving supervisor (or throws, and nothing is written). Completes when durable.
     */
    public CompletableFuture<Entry> voidBill(String billId, String reason, String cashier, Supplier<String> approver) {
        try {
            BillSummary summary = state.bill(billId)
                    .orElseThrow(() -> new StoreLogException(ErrorCode.NOT_FOUND, "bill " + billId + " not found"));
            checkVoidable(billId);
            String approvedBy = approver.get();
            BillCommitted bill = log.read(summary.position()).getBill();
            // A void gives the whole bill back: it spends the bill's whole refund budget, which another
            // lane must first get from the bill's lane (see BudgetService), as for a refund.
            String key = BudgetKeys.refundKey(billId);
            java.util.Map<String, Long> needs = bill.getTotal() > 0 ? java.util.Map.of(key, bill.getTotal()) : java.util.Map.of();
            return budgets.ensure(needs, bill.getTill()).thenCompose(ok -> {
                try {
                    return log.appendOwn((seq, stamp) -> {
                        checkVoidable(billId);
                        if (!inflight.add(billId)) {
                            throw new StoreLogException(ErrorCode.CONFLICT, "bill " + billId + " is being voided already");
                        }
                        try {
                            budgets.take(seq, needs);
                        } catch (RuntimeException e) {
                            inflight.remove(billId);
                            throw e;
                        }
                        BillVoided.Builder v = BillVoided.newBuilder().setBillId(billId).setTill(till)
                                .setBusinessDay(calendar.dayOf(stamp.getWallMs())).setReason(reason == null ? "" : reason)
                                .setApprover(approvedBy).setTotal(bill.getTotal()).setTax(bill.getTax());
                        for (BillLine l : bill.getLinesList()) {
                            v.addLines(RefundLine.newBuilder().setLineNo(l.getLineNo()).setSku(l.getSku()).setQtyMilli(l.getQtyMilli())
                                    .setAmount(l.getNet()).setTax(l.getTax()));
                        }
                        for (Tender t : bill.getTendersList()) {
                            v.addTenders(t.toBuilder().setTendered(t.getAmount()));
                        }
                        return Entry.newBuilder().setActor(cashier == null ? "" : cashier).setVoid(v);
                    });
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }).whenComplete((a, failure) -> {
                inflight.remove(billId);
                if (a != null) {
                    budgets.settled(a.entry().getSeq(), false);
                }
            }).thenApply(MergedLog.Appended::entry);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void checkVoidable(String billId) {
        if (state.isVoided(billId)) {
            throw new StoreLogException(ErrorCode.CONFLICT, "bill " + billId + " is already voided");
        }
        if (!state.refundsOf(billId).isEmpty()) {
            throw new StoreLogException(ErrorCode.CONFLICT, "bill " + billId + " has refunds; refund what is left instead of voiding it");
        }
    }
}
