package io.storelog.node.testing.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.StoreNode;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.LineRequest;
import io.storelog.node.billing.TenderRequest;
import io.storelog.node.state.BillSummary;
import io.storelog.node.testing.TestNodes;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.TenderType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Bills for cluster tests, and the facts about them a test checks on every node. */
public final class ClusterBills {
    /** SKUs sold by the piece in {@link TestNodes#CATALOG}. */
    public static final List<String> PIECE_SKUS = List.of("MILK-1L", "BREAD", "SOAP", "WINE", "STAMP");

    private ClusterBills() {
    }

    /** One piece of {@code sku}, paid cash. */
    public static BillRequest one(String clientBillId, String sku) {
        return new BillRequest(clientBillId, List.of(new LineRequest(sku, 1000, null)), null,
                List.of(new TenderRequest(TenderType.CASH, null, null, null)), null, "test");
    }

    /** The same bill as {@link #one}, as the JSON body a till posts to {@code /api/bills}. */
    public static ObjectNode oneJson(String clientBillId, String sku) {
        ObjectNode o = ApiClient.object().put("clientBillId", clientBillId);
        o.putArray("lines").addObject().put("sku", sku).put("qty", 1);
        o.putArray("tenders").addObject().put("type", "cash");
        return o;
    }

    /** 1–4 lines of whole pieces and sometimes loose bananas, paid cash or card. */
    public static BillRequest random(Random rnd, String clientBillId) {
        int n = 1 + rnd.nextInt(4);
        List<LineRequest> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(6) == 0) {
                lines.add(new LineRequest("BANANA-KG", 100 + rnd.nextInt(2000), null));
            } else {
                lines.add(new LineRequest(PIECE_SKUS.get(rnd.nextInt(PIECE_SKUS.size())), 1000L * (1 + rnd.nextInt(3)), null));
            }
        }
        TenderType t = rnd.nextBoolean() ? TenderType.CASH : TenderType.CARD;
        return new BillRequest(clientBillId, lines, null, List.of(new TenderRequest(t, null, t == TenderType.CARD ? "AUTH" : null,
                null)), null, "test");
    }

    /** Every bill node holds, by client cart id, with how many bills carry each id (a repeat is a double charge). */
    public static Map<String, Integer> clientIdCounts(StoreNode node) {
        Map<String, Integer> counts = new HashMap<>();
        for (BillSummary b : node.state().recentBills(Integer.MAX_VALUE)) {
            counts.merge(b.clientBillId(), 1, Integer::sum);
        }
        return counts;
    }

    /** Quantity sold per SKU (thousandths) over every bill the node holds, read from the stored bills. */
    public static Map<String, Long> soldMilli(StoreNode node) {
        Map<String, Long> sold = new TreeMap<>();
        for (BillSummary b : node.state().recentBills(Integer.MAX_VALUE)) {
            BillCommitted bill = node.log().read(b.position()).getBill();
            for (BillLine l : bill.getLinesList()) {
                sold.merge(l.getSku(), l.getQtyMilli(), Long::sum);
            }
        }
        return sold;
    }

    /** Bill numbers per till name over every bill the node holds. */
    public static Map<String, List<Long>> numbersByTill(StoreNode node) {
        Map<String, List<Long>> out = new TreeMap<>();
        for (BillSummary b : node.state().recentBills(Integer.MAX_VALUE)) {
            out.computeIfAbsent(b.till(), k -> new ArrayList<>()).add(b.number());
        }
        out.values().forEach(l -> l.sort(null));
        return out;
    }
}
