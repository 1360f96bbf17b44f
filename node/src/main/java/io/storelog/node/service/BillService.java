package io.storelog.node.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.barcode.BarcodeResolver;
import io.storelog.node.billing.BillPricer;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.CashRounding;
import io.storelog.node.billing.RefundCalculator;
import io.storelog.node.billing.RefundLineRequest;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.service.budget.BudgetExhausted;
import io.storelog.node.service.budget.BudgetService;
import io.storelog.node.state.BillSummary;
import io.storelog.node.state.BudgetKeys;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillRefunded;
import io.storelog.protocol.Entry;
import io.storelog.protocol.ReceiptReprinted;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Takes bills and refunds on this till. A bill is priced from the local catalog, numbered gaplessly
 * per till name, appended, and answered only when durable. A repeated client cart id returns the
 * bill already stored (or still being written) instead of billing twice.
 */
public final class BillService {
    private final MergedLog log;
    private final StoreState state;
    private final String till;
    private final String currency;
    private final BusinessCalendar calendar;
    private final BillPricer pricer;
    private final CashRounding cash;
    private final BarcodeResolver scans;
    private final RefundCalculator refunds = new RefundCalculator();
    private final Map<String, CompletableFuture<BillOutcome>> inflightByCart = new ConcurrentHashMap<>();
    /** Bill numbers and refunds handed out but not yet durable, by own seq. */
    private final ConcurrentSkipListMap<Long, Long> inflightNumbers = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Long, BillRefunded> inflightRefunds = new ConcurrentSkipListMap<>();
    private final ReplicaGate replicas;
    private final java.util.function.BooleanSupplier ready;
    private final BudgetService budgets;
    private final Counter billsCounter;
    private final Counter refundsCounter;

    /** A bill service for till {@code till} writing to {@code log}. */
    public BillService(MergedLog log, StoreState state, String till, String currency, BusinessCalendar calendar,
            ReplicaGate replicas, java.util.function.BooleanSupplier ready, MeterRegistry meters,
            BarcodeResolver scans, CashRounding cash, BudgetService budgets) {
        this.log = log;
        this.budgets = budgets;
        this.scans = scans;
        this.cash = cash;
        this.pricer = new BillPricer(cash);
        this.replicas = replicas;
        this.ready = ready;
        this.state = state;
        this.till = till;
        this.currency = currency;
        this.calendar = calendar;
        this.billsCounter = meters.counter("storelog.bills");
        this.refundsCounter = meters.counter("storelog.refunds");
        // A failed write rolls the seq back; reservations above the durable end are void.
        log.onWriteFailure(firstFailed -> {
            inflightNumbers.tailMap(firstFailed, true).clear();
            inflightRefunds.tailMap(firstFailed, true).clear();
        });
    }

    /**
     * Prices and stores a bill; completes when it is durable here and, when a peer is reachable, on a
     * peer too (or the wait for one ran out, and the outcome says the bill is held by this lane only).
     */
    public CompletableFuture<BillOutcome> submit(BillRequest request) {
        return submit(request, BillCheck.NONE);
    }

    /** As {@link #submit(BillRequest)}, with {@code check} run on the priced bill before it is written. */
    public CompletableFuture<BillOutcome> submit(BillRequest request, BillCheck check) {
        return submitLocal(request, check).thenCompose(o -> replicas.awaitReplicas(o.entry().getOrigin(), o.entry().getSeq())
                .thenApply(onPeer -> new BillOutcome(o.entry(), o.repeated(), !onPeer)));
    }

    private CompletableFuture<BillOutcome> submitLocal(BillRequest request, BillCheck check) {
        if (!ready.getAsBoolean()) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.NOT_READY,
                    "this till is a new incarnation and is catching up from its peers before it bills"));
        }
        if (request.clientBillId() == null || request.clientBillId().isBlank()) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.BAD_REQUEST, "clientBillId is required"));
        }
        Optional<BillOutcome> stored = storedBill(request.clientBillId());
        if (stored.isPresent()) {
            return CompletableFuture.completedFuture(stored.get());
        }
        CompletableFuture<BillOutcome> mine = new CompletableFuture<>();
        CompletableFuture<BillOutcome> earlier = inflightByCart.putIfAbsent(request.clientBillId(), mine);
        if (earlier != null) {
            return earlier.thenApply(o -> new BillOutcome(o.entry(), true, o.singleLane()));
        }
        // The cart may have become durable between the first look and the reservation.
        stored = storedBill(request.clientBillId());
        if (stored.isPresent()) {
            inflightByCart.remove(request.clientBillId(), mine);
            mine.complete(stored.get());
            return mine;
        }
        try {
            // Barcodes become SKUs (and weights or printed prices) first; a bad scan fails the whole bill.
            BillRequest bySku = new BillRequest(request.clientBillId(), scans.resolveLines(request.lines()),
                    request.discount(), request.tenders(), request.customer(), request.cashier(), request.voidedLines());
            // Approvals are judged (and a supervisor's PIN checked, which is slow on purpose) before the
            // append lock, on the bill as priced now; the bill itself is priced again at its own stamp.
            long now = System.currentTimeMillis();
            BillCommitted.Builder provisional = check == BillCheck.NONE && !budgets.anyLimits() ? null
                    : priceAt(bySku, now);
            String approver = check == BillCheck.NONE ? "" : check.approve(provisional);
            appendBill(request, bySku, approver, provisional, 0).whenComplete((appended, failure) -> {
                if (appended != null) {
                    inflightNumbers.remove(appended.entry().getSeq());
                    billsCounter.increment();
                }
                inflightByCart.remove(request.clientBillId(), mine);
                if (failure != null) {
                    mine.completeExceptionally(unwrap(failure));
                } else {
                    mine.complete(new BillOutcome(appended.entry(), false, true));
                }
            });
        } catch (RuntimeException e) {
            inflightByCart.remove(request.clientBillId(), mine);
            mine.completeExceptionally(e);
        }
        return mine;
    }

    /** Budget rounds a bill may take when concurrent sales of this lane keep taking the rights it just got. */
    private static final int BUDGET_ATTEMPTS = 3;

    /**
     * Gets the rights the bill draws on (limited SKUs, the offline card cap; asked of other lanes when
     * this lane's share is short), then appends it; the shares are checked again under the append lock,
     * and a sale that lost the race for them to another sale of this lane tries again.
     */
    private CompletableFuture<MergedLog.Appended> appendBill(BillRequest request, BillRequest bySku, String approver,
            BillCommitted.Builder provisional, int attempt) {
        List<Boolean> offline = bySku.tenders() == null ? List.of()
                : bySku.tenders().stream().map(t -> t != null && t.offline()).toList();
        CompletableFuture<Void> rights = CompletableFuture.completedFuture(null);
        if (provisional != null) {
            budgets.markOffline(provisional, offline);
            Map<String, Long> needs = budgets.needsOf(provisional);
            if (!needs.isEmpty()) {
                rights = budgets.ensure(needs, null);
            }
        }
        return rights.thenCompose(v -> {
            try {
                return log.appendOwn((seq, stamp) -> {
                    // The sale instant is the entry's own clock stamp, the same instant that fixes its business
                    // day, so prices and promotions are those in effect when the bill is written.
                    long at = stamp.getWallMs();
                    BillCommitted.Builder priced = priceAt(bySku, at).setCatalogVersion(state.catalogVersion()).setApprover(approver);
                    budgets.markOffline(priced, offline);
                    Map<String, Long> needs = budgets.needsOf(priced);
                    budgets.take(seq, needs);
                    priced.addAllBudgetSpends(BudgetService.spends(needs));
                    long number = nextNumber();
                    inflightNumbers.put(seq, number);
                    return Entry.newBuilder().setActor(nullToEmpty(request.cashier()))
                            .setBill(priced.setNumber(number).setBusinessDay(calendar.dayOf(stamp.getWallMs())));
                });
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }).handle((appended, failure) -> {
            if (appended != null) {
                budgets.settled(appended.entry().getSeq(), true);
                return CompletableFuture.completedFuture(appended);
            }
            RuntimeException e = unwrap(failure);
            if (e instanceof BudgetExhausted && attempt + 1 < BUDGET_ATTEMPTS) {
                // Without a provisional pricing the limit arrived meanwhile: price now to know what to ask for.
                long now = System.currentTimeMillis();
                BillCommitted.Builder again = provisional != null ? provisional
                        : priceAt(bySku, now);
                return appendBill(request, bySku, approver, again, attempt + 1);
            }
            return CompletableFuture.<MergedLog.Appended>failedFuture(e);
        }).thenCompose(f -> f);
    }

    /** The bill priced with the catalog, prices and promotions in effect at {@code at} (epoch ms). */
    private BillCommitted.Builder priceAt(BillRequest bySku, long at) {
        return pricer.price(bySku, new CatalogProducts(state, at), state.promotions(), at).setTill(till).setCurrency(currency);
    }

    /** Refunds some lines of a bill (all that is left when {@code lines} is empty); completes when durable. */
    public CompletableFuture<Entry> refund(String billId, List<RefundLineRequest> lines, TenderType tenderType,
            String clientRefundId, String reason, String cashier) {
        return refund(billId, lines, tenderType, clientRefundId, reason, cashier, () -> "");
    }

    /** As the other refund, with {@code approver} asked for the approving supervisor once the refund is known to be new. */
    public CompletableFuture<Entry> refund(String billId, List<RefundLineRequest> lines, TenderType tenderType,
            String clientRefundId, String reason, String cashier, java.util.function.Supplier<String> approver) {
        if (clientRefundId != null && !clientRefundId.isBlank()) {
            Optional<String> done = state.refundByClientId(clientRefundId);
            if (done.isPresent()) {
                return CompletableFuture.completedFuture(readEntry(done.get()));
            }
        }
        BillSummary summary = state.bill(billId).orElse(null);
        if (summary == null) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.NOT_FOUND, "bill " + billId + " not found"));
        }
        if (state.isVoided(billId)) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.OVER_REFUND, "bill " + billId + " was voided"));
        }
        BillCommitted bill = log.read(summary.position()).getBill();
        String approvedBy;
        try {
            approvedBy = approver.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        // What a bill may still refund is a budget owned by its lane: another lane first asks that lane to
        // release the amount, so two lanes cut off from each other never both refund it in full.
        String key = BudgetKeys.refundKey(billId);
        long asked;
        try {
            asked = computeRefund(bill, billId, lines).getTotal();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> rights = asked <= 0 ? CompletableFuture.completedFuture(null)
                : budgets.ensure(Map.of(key, asked), bill.getTill());
        return rights.thenCompose(v -> {
            try {
                return log.appendOwn((seq, stamp) -> {
                    BillRefunded.Builder r = computeRefund(bill, billId, lines);
                    if (r.getTotal() > 0) {
                        budgets.take(seq, Map.of(key, r.getTotal()));
                    }
                    TenderType type = tenderType != null ? tenderType : bill.getTenders(0).getType();
                    r.setBillId(billId).setTill(till).setBusinessDay(calendar.dayOf(stamp.getWallMs()))
                            .setClientRefundId(nullToEmpty(clientRefundId)).setReason(nullToEmpty(reason)).setApprover(approvedBy)
                            .addTenders(Tender.newBuilder().setType(type).setAmount(r.getTotal()).setTendered(r.getTotal()));
                    if (type == TenderType.CASH) {
                        // Cash is paid out in coins that exist, rounded like a sale's cash due.
                        r.setCashRounding(cash.round(r.getTotal()) - r.getTotal());
                    }
                    inflightRefunds.put(seq, r.build());
                    return Entry.newBuilder().setActor(nullToEmpty(cashier)).setRefund(r);
                });
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }).handle((appended, failure) -> {
            if (appended != null) {
                budgets.settled(appended.entry().getSeq(), false);
                inflightRefunds.remove(appended.entry().getSeq());
                refundsCounter.increment();
                return appended.entry();
            }
            throw unwrap(failure);
        });
    }

    /** The refund of {@code lines} against what this lane knows was refunded already (durable or in flight). */
    private BillRefunded.Builder computeRefund(BillCommitted bill, String billId, List<RefundLineRequest> lines) {
        List<BillRefunded> earlier = new ArrayList<>(state.refundsOf(billId));
        long durable = log.ownDurableSeq();
        inflightRefunds.tailMap(durable, false).values().stream()
                .filter(r -> r.getBillId().equals(billId)).forEach(earlier::add);
        return refunds.refund(bill, earlier, lines);
    }

    /**
     * Records that a copy of a bill's receipt is printed, as a log entry so every lane counts the copies;
     * completes with the entry once durable. The original print, from the sale's answer, is not logged.
     */
    public CompletableFuture<Entry> reprint(String billId, String reason, String cashier) {
        if (state.bill(billId).isEmpty()) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.NOT_FOUND, "bill " + billId + " not found"));
        }
        try {
            return log.appendOwn((seq, stamp) -> Entry.newBuilder().setActor(nullToEmpty(cashier))
                    .setReceiptReprinted(ReceiptReprinted.newBuilder().setBillId(billId).setTill(till)
                            .setReason(nullToEmpty(reason)))).handle((appended, failure) -> {
                                if (appended != null) {
                                    return appended.entry();
                                }
                                throw unwrap(failure);
                            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The full stored bill entry for an id. */
    public Optional<Entry> bill(String billId) {
        return state.bill(billId).map(s -> log.read(s.position()));
    }

    private Optional<BillOutcome> storedBill(String clientBillId) {
        return state.billByClientId(clientBillId).map(s -> new BillOutcome(log.read(s.position()), true, true));
    }

    private Entry readEntry(String entryId) {
        int slash = entryId.lastIndexOf(':');
        return log.read(entryId.substring(0, slash), Long.parseLong(entryId.substring(slash + 1)))
                .orElseThrow(() -> new StoreLogException(ErrorCode.NOT_FOUND, "entry " + entryId + " not found"));
    }

    /** Called under the append lock: one more than every number durable or handed out and still pending. */
    private long nextNumber() {
        long highest = state.maxBillNumber(till);
        for (long n : inflightNumbers.tailMap(log.ownDurableSeq(), false).values()) {
            highest = Math.max(highest, n);
        }
        return highest + 1;
    }

    private static RuntimeException unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof RuntimeException re ? re : new StoreLogException(ErrorCode.IO_ERROR, t.getMessage(), t);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
