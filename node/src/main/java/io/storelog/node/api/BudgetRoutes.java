package io.storelog.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.StoreNode;
import io.storelog.node.replication.PeerStatus;
import io.storelog.node.service.budget.BudgetExhausted;
import io.storelog.node.state.BudgetKeys;
import io.storelog.node.state.BudgetView;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code /api/budgets}: limited items and the offline card cap (see README "Budgets"). A path name is a
 * SKU, or {@code card-offline} for the card cap. Quantities of a SKU's budget are decimals like stock;
 * the card cap is in minor units.
 */
final class BudgetRoutes {
    private final StoreNode node;
    private final StaffRoutes staff;

    BudgetRoutes(StoreNode node, StaffRoutes staff) {
        this.node = node;
        this.staff = staff;
    }

    /** Whether a path is one of these routes. */
    static boolean owns(List<String> s) {
        return s.size() >= 2 && s.get(1).equals("budgets");
    }

    ApiResponse handle(ApiRequest r) {
        List<String> s = r.segments();
        String m = r.method();
        if (s.size() == 2 && m.equals("GET")) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (String key : node.state().budgetKeys()) {
                out.add(render(node.state().budget(key)));
            }
            return json(200, out);
        }
        if (s.size() == 3 && m.equals("GET")) {
            String key = key(s.get(2));
            if (!node.state().budgetLimited(key)) {
                throw new StoreLogException(ErrorCode.NOT_FOUND, BudgetKeys.describe(key) + " has no budget");
            }
            return json(200, render(node.state().budget(key)));
        }
        if (s.size() == 3 && m.equals("PUT")) {
            String key = key(s.get(2));
            requireJson(r);
            JsonNode b = Json.parseObject(r.body());
            long total = key.equals(BudgetKeys.CARD_OFFLINE) ? Json.integer(b, "total", "") : Json.quantityMilli(b, "total", "");
            if (total < 0) {
                throw new StoreLogException(ErrorCode.BAD_REQUEST, "total must not be negative");
            }
            if (BudgetKeys.isSku(key) && node.state().product(s.get(2)).isEmpty()) {
                throw new StoreLogException(ErrorCode.UNKNOWN_SKU, "unknown SKU '" + s.get(2) + "'");
            }
            requireReady();
            return json(200, render(node.budgets().setTotal(key, total, staff.actor(r, b))));
        }
        if (s.size() == 4 && m.equals("POST") && s.get(3).equals("reclaim")) {
            String key = key(s.get(2));
            JsonNode b = Json.parseObject(r.body());
            String holder = Json.text(b, "holder", "");
            if (holder.isBlank()) {
                throw new StoreLogException(ErrorCode.BAD_REQUEST, "holder must name an incarnation id");
            }
            requireReady();
            return json(200, render(node.budgets().reclaim(key, holder.trim(), staff.actor(r, b))));
        }
        throw new StoreLogException(ErrorCode.NOT_FOUND, "no such API: " + m + " " + r.path());
    }

    /** A budget as JSON: totals, and per holder (lane incarnation) its share. */
    ObjectNode render(BudgetView v) {
        boolean qty = BudgetKeys.isSku(v.key());
        ObjectNode o = Json.object().put("key", v.key());
        if (qty) {
            o.put("sku", BudgetKeys.skuOf(v.key()));
        }
        o.put("unit", qty ? "quantity" : "minor");
        amount(o, "total", v.total(), qty);
        amount(o, "spent", v.spent(), qty);
        amount(o, "remaining", v.remaining(), qty);
        Map<String, PeerStatus> linked = node.replicator().map(rep -> rep.peers().stream()
                .filter(p -> !p.incarnation().isEmpty())
                .collect(Collectors.toMap(PeerStatus::incarnation, p -> p, (a, b) -> a))).orElse(Map.of());
        String me = node.log().origin();
        ObjectNode shares = o.putObject("shares");
        ArrayNode lanes = o.putArray("lanes");
        v.shares().forEach((holder, share) -> {
            amount(shares, holder, share.unspent(), qty);
            ObjectNode l = lanes.addObject().put("holder", holder).put("lane", laneOf(holder));
            amount(l, "held", share.unspent(), qty);
            amount(l, "spent", share.spent(), qty);
            amount(l, "received", share.minted() + share.received(), qty);
            amount(l, "given", share.given() + share.burned(), qty);
            PeerStatus p = linked.get(holder);
            l.put("self", holder.equals(me));
            l.put("linked", holder.equals(me) || (p != null && p.connected()));
        });
        return o;
    }

    private static void amount(ObjectNode o, String field, long value, boolean qty) {
        if (qty) {
            o.put(field, Json.qty(value));
        } else {
            o.put(field, value);
        }
    }

    /** The lane (node name) of an incarnation id {@code <node>-<12 hex digits>}. */
    private static String laneOf(String holder) {
        int dash = holder.lastIndexOf('-');
        return dash > 0 ? holder.substring(0, dash) : holder;
    }

    private static String key(String name) {
        if (name.isBlank()) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "a budget needs a SKU or card-offline");
        }
        return name.equals(BudgetKeys.CARD_OFFLINE) ? BudgetKeys.CARD_OFFLINE : BudgetKeys.skuKey(name);
    }

    private void requireReady() {
        if (!node.ready()) {
            throw new StoreLogException(ErrorCode.NOT_READY, "this lane is catching up from its peers before it changes budgets");
        }
    }

    private static void requireJson(ApiRequest r) {
        String ct = r.contentType();
        if (ct == null || !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "Content-Type must be application/json, not "
                    + (ct == null ? "missing" : "'" + ct + "'"));
        }
    }

    /** The 409 of a budget that cannot cover a sale: the SKU (or budget) and what remains store-wide. */
    static ApiResponse exhausted(BudgetExhausted e) {
        ObjectNode o = Json.object().put("error", e.getMessage()).put("code", "BUDGET_EXHAUSTED").put("budget", e.key());
        if (e.sku() != null) {
            o.put("sku", e.sku());
            o.put("remaining", Json.qty(e.remaining()));
        } else {
            o.put("remaining", e.remaining());
        }
        return json(409, o);
    }

    private static ApiResponse json(int status, Object body) {
        return ApiResponse.json(status, Json.write(body));
    }
}
