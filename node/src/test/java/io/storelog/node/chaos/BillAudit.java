package io.storelog.node.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one node holds, set against what the tills were told: an acknowledged bill is lost unless the node
 * holds its cart under exactly the id the 201 carried; a cart or a bill id held more than once is a
 * duplicate (a customer charged twice, or an id reissued with other content).
 */
final class BillAudit {
    private final Map<String, List<String>> idsByCart = new HashMap<>();
    private final Map<String, Integer> countById = new HashMap<>();

    /** Adds a page of {@code GET /api/bills} (objects with {@code id} and {@code clientBillId}). */
    void add(JsonNode bills) {
        for (JsonNode b : bills) {
            String id = b.get("id").asText();
            idsByCart.computeIfAbsent(b.get("clientBillId").asText(), k -> new ArrayList<>()).add(id);
            countById.merge(id, 1, Integer::sum);
        }
    }

    /** Acknowledged bills (cart id to the acknowledgement) that the node does not hold under their id. */
    long lost(Map<String, BillLoad.Acked> acked) {
        return acked.entrySet().stream()
                .filter(e -> !idsByCart.getOrDefault(e.getKey(), List.of()).contains(e.getValue().billId()))
                .count();
    }

    /** Carts held as more than one bill, plus bill ids held more than once. */
    long duplicated() {
        return idsByCart.values().stream().filter(l -> l.size() > 1).count()
                + countById.values().stream().filter(c -> c > 1).count();
    }

    /** Distinct bills held. */
    long bills() {
        return countById.size();
    }
}
