package io.storelog.node.testing;

import io.storelog.config.catalog.CatalogItem;
import io.storelog.config.catalog.ItemUnit;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.LineRequest;
import io.storelog.node.billing.TenderRequest;
import io.storelog.protocol.TenderType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What client threads sent and what the node acknowledged, for crash tests: random valid carts over
 * {@link TestNodes#CATALOG}, each remembered with its lines, so a checker can tell which bills must
 * have survived and what stock they imply.
 */
public final class BillLedger {
    /** One line of a cart: SKU and quantity in thousandths. */
    public record Line(String sku, long qtyMilli) {
    }

    /** A cart as sent, with when it was sent (System.nanoTime). */
    public record Sent(String clientBillId, List<Line> lines, long sentAt) {
        /** The POST /api/bills body: the lines, paid in cash with exactly what is due. */
        public String json() {
            StringBuilder b = new StringBuilder("{\"clientBillId\":\"").append(clientBillId).append("\",\"lines\":[");
            for (int i = 0; i < lines.size(); i++) {
                Line l = lines.get(i);
                b.append(i == 0 ? "" : ",").append("{\"sku\":\"").append(l.sku()).append("\",\"qty\":")
                        .append(BigDecimal.valueOf(l.qtyMilli(), 3).toPlainString()).append('}');
            }
            return b.append("],\"tenders\":[{\"type\":\"cash\"}],\"cashier\":\"crash-test\"}").toString();
        }

        /** The same cart as a request for BillService. */
        public BillRequest request() {
            List<LineRequest> ls = lines.stream().map(l -> new LineRequest(l.sku(), l.qtyMilli(), null)).toList();
            return new BillRequest(clientBillId, ls, null, List.of(new TenderRequest(TenderType.CASH, null, null, null)),
                    null, "crash-test");
        }
    }

    /** A bill the node acknowledged (201, or a completed future), with when the answer came. */
    public record Ack(String clientBillId, String id, long number, long total, long answeredAt) {
    }

    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    private final Map<String, Ack> acked = new ConcurrentHashMap<>();
    private final Map<String, Long> failedAt = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();

    /** A new random cart of 1 to 4 lines, recorded as sent now. */
    public Sent newBill(Random random) {
        int n = 1 + random.nextInt(4);
        List<Line> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CatalogItem item = TestNodes.CATALOG.get(random.nextInt(TestNodes.CATALOG.size()));
            long qty = item.unit() == ItemUnit.KG ? 1 + random.nextInt(3000) : 1000L * (1 + random.nextInt(3));
            lines.add(new Line(item.sku(), qty));
        }
        Sent s = new Sent(UUID.randomUUID().toString(), List.copyOf(lines), System.nanoTime());
        sent.put(s.clientBillId(), s);
        return s;
    }

    /** Records an acknowledgement. */
    public void ack(Sent s, String id, long number, long total) {
        acked.put(s.clientBillId(), new Ack(s.clientBillId(), id, number, total, System.nanoTime()));
    }

    /** Records that a cart got no acknowledgement (an error answer, or no answer). */
    public void fail(Sent s) {
        failures.incrementAndGet();
        failedAt.put(s.clientBillId(), System.nanoTime());
    }

    /** Every cart sent, by client bill id. */
    public Map<String, Sent> sent() {
        return sent;
    }

    /** Every acknowledged bill, by client bill id. */
    public Map<String, Ack> acked() {
        return acked;
    }

    /** Carts that got no acknowledgement. */
    public long failures() {
        return failures.get();
    }

    /** Carts sent before {@code instant} that were not answered by then: in flight at that moment. */
    public long inFlightAt(long instant) {
        return sent.values().stream().filter(s -> s.sentAt() < instant).filter(s -> {
            Ack a = acked.get(s.clientBillId());
            Long f = failedAt.get(s.clientBillId());
            long answered = a != null ? a.answeredAt() : f != null ? f : Long.MAX_VALUE;
            return answered > instant;
        }).count();
    }

    /** Quantity sold per SKU, in thousandths, over the given client bill ids (as sent). */
    public Map<String, Long> soldMilli(Collection<String> clientBillIds) {
        Map<String, Long> out = new TreeMap<>();
        for (String id : clientBillIds) {
            Sent s = sent.get(id);
            if (s == null) {
                throw new IllegalArgumentException("never sent: " + id);
            }
            s.lines().forEach(l -> out.merge(l.sku(), l.qtyMilli(), Long::sum));
        }
        return out;
    }
}
