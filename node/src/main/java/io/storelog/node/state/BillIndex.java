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
    /** Receipt reprint entry id -> bill id; sorted, so the digest reads it in one order everywhere. */
    private final java.util.TreeMap<String, String> reprints = new java.util.TreeMap<>();
    private final Map<String, Integer> reprintCounts = new HashMap<>();

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

    /** Points every bill at where this node holds it now ({@code position} of its id; negative: not on disk). */
    void remapPositions(java.util.function.ToLongFunction<String> position) {
        byId.replaceAll((id, b) -> new BillSummary(b.id(), position.applyAsLong(id), b.clientBillId(), b.till(), b.number(),
                b.businessDay(), b.total(), b.tax(), b.wallMs()));
    }

    void addReprint(String reprintId, String billId) {
        if (reprints.put(reprintId, billId) == null) {
            reprintCounts.merge(billId, 1, Integer::sum);
        }
    }

    int reprintsOf(String billId) {
        return reprintCounts.getOrDefault(billId, 0);
    }

    Map<String, String> reprints() {
        return reprints;
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

    void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(byId.size());
        for (BillSummary b : byId.values()) {
            out.writeUTF(b.id());
            out.writeLong(b.position());
            out.writeUTF(b.clientBillId());
            out.writeUTF(b.till());
            out.writeLong(b.number());
            out.writeUTF(b.businessDay());
            out.writeLong(b.total());
            out.writeLong(b.tax());
            out.writeLong(b.wallMs());
        }
        out.writeInt(byClientId.size());
        for (Map.Entry<String, String> e : byClientId.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        out.writeInt(maxNumberByTill.size());
        for (Map.Entry<String, Long> e : maxNumberByTill.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
        out.writeInt(refunds.size());
        for (Map.Entry<String, List<BillRefunded>> e : refunds.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().size());
            for (BillRefunded r : e.getValue()) {
                SnapshotIO.writeMessage(out, r);
            }
        }
        out.writeInt(voided.size());
        for (String v : voided) {
            out.writeUTF(v);
        }
        out.writeInt(refundIdByClientId.size());
        for (Map.Entry<String, String> e : refundIdByClientId.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        billHash.writeTo(out);
        refundHash.writeTo(out);
        out.writeInt(reprints.size());
        for (Map.Entry<String, String> e : reprints.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }

    void readFrom(java.io.DataInputStream in) throws java.io.IOException {
        for (int n = in.readInt(); n > 0; n--) {
            BillSummary b = new BillSummary(in.readUTF(), in.readLong(), in.readUTF(), in.readUTF(), in.readLong(),
                    in.readUTF(), in.readLong(), in.readLong(), in.readLong());
            byId.put(b.id(), b);
        }
        for (int n = in.readInt(); n > 0; n--) {
            byClientId.put(in.readUTF(), in.readUTF());
        }
        for (int n = in.readInt(); n > 0; n--) {
            maxNumberByTill.put(in.readUTF(), in.readLong());
        }
        for (int n = in.readInt(); n > 0; n--) {
            String billId = in.readUTF();
            List<BillRefunded> list = new ArrayList<>();
            for (int k = in.readInt(); k > 0; k--) {
                list.add(SnapshotIO.readMessage(in, BillRefunded.parser()));
            }
            refunds.put(billId, list);
        }
        for (int n = in.readInt(); n > 0; n--) {
            voided.add(in.readUTF());
        }
        for (int n = in.readInt(); n > 0; n--) {
            refundIdByClientId.put(in.readUTF(), in.readUTF());
        }
        billHash.readFrom(in);
        refundHash.readFrom(in);
        for (int n = in.readInt(); n > 0; n--) {
            addReprint(in.readUTF(), in.readUTF());
        }
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
