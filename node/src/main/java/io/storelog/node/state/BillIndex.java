package io.storelog.node.state;

import io.storelog.protocol.BillRefunded;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Bills by id, by client cart id and by till number, plus the refunds and voids filed against
 * them. Each bill keeps the amounts it was sold at; nothing here re-prices. When two origins hold a
 * bill for the same cart id, the lowest bill id answers, so every node picks the same one.
 */
final class BillIndex {
    private final Map<String, BillSummary> byId = new HashMap<>();
    private final Map<String, String> byClientId = new HashMap<>();
    private final Map<String, Long> maxNumberByTill = new HashMap<>();
    private final Map<String, List<BillRefunded>> refunds = new HashMap<>();
    private final Set<String> voided = new TreeSet<>();
    private final Map<String, String> refundIdByClientId = new HashMap<>();
    private final SetHash billHash = new SetHash();
    private final SetHash refundHash = new SetHash();

    void addBill(BillSummary bill) {
        byId.put(bill.id(), bill);
        byClientId.merge(bill.clientBillId(), bill.id(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
        maxNumberByTill.merge(bill.till(), bill.number(), Math::max);
        billHash.add(bill.id() + "|" + bill.clientBillId() + "|" + bill.till() + "|" + bill.number() + "|"
                + bill.businessDay() + "|" + bill.total() + "|" + bill.tax());
    }

    void addRefund(String refundId, BillRefunded refund) {
        refunds.computeIfAbsent(refund.getBillId(), k -> new ArrayList<>()).add(refund);
        if (!refund.getClientRefundId().isEmpty()) {
            refundIdByClientId.merge(refund.getClientRefundId(), refundId, (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }
        refundHash.add(refundId + "|" + refund.getBillId() + "|" + refund.getTotal() + "|" + refund.getTax());
    }

    void addVoid(String billId) {
        voided.add(billId);
    }

    BillSummary byId(String id) {
        return byId.get(id);
    }

    BillSummary byClientId(String clientBillId) {
        String id = byClientId.get(clientBillId);
        return id == null ? null : byId.get(id);
    }

    String refundByClientId(String clientRefundId) {
        return refundIdByClientId.get(clientRefundId);
    }

    long maxNumber(String till) {
        return maxNumberByTill.getOrDefault(till, 0L);
    }

    List<BillRefunded> refundsOf(String billId) {
        return List.copyOf(refunds.getOrDefault(billId, List.of()));
    }

    boolean isVoided(String billId) {
        return voided.contains(billId);
    }

    int count() {
        return byId.size();
    }

    Collection<BillSummary> all() {
        return byId.values();
    }

    SetHash billHash() {
        return billHash;
    }

    SetHash refundHash() {
        return refundHash;
    }

    Set<String> voidedBills() {
        return voided;
    }
}
