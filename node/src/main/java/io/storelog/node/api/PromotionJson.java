package io.storelog.node.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.node.promotion.PromotionKinds;
import io.storelog.protocol.AppliedPromotion;
import io.storelog.protocol.Promotion;
import io.storelog.protocol.PromotionShare;
import java.math.BigDecimal;
import java.time.Instant;

/** Promotions as JSON, the same at headquarters (what it published) and at a lane (what it holds). */
public final class PromotionJson {
    private PromotionJson() {
    }

    /** A promotion with the catalog version it came with; only the fields of its kind are written. */
    public static ObjectNode render(Promotion p, long version) {
        ObjectNode o = Json.object();
        o.put("id", p.getId());
        o.put("name", p.getName());
        o.put("kind", PromotionKinds.name(p.getKind()));
        ArrayNode skus = o.putArray("skus");
        p.getSkusList().forEach(skus::add);
        switch (p.getKind()) {
            case BUNDLE_PAY_FOR -> o.put("buy", p.getBundleQty()).put("payFor", p.getPayForQty());
            case BUNDLE_PRICE -> o.put("buy", p.getBundleQty()).put("price", p.getBundlePrice());
            // Basis points back to a percent with at most two decimals (display only, never money).
            case PERCENT_OFF -> {
                int bp = p.getPercentBp();
                // Whole percents as integers: a stripped 10.00 would print as 1E+1.
                if (bp % 100 == 0) {
                    o.put("percent", bp / 100);
                } else {
                    o.put("percent", BigDecimal.valueOf(bp, 2).stripTrailingZeros());
                }
            }
            case AMOUNT_OFF -> o.put("amount", p.getAmountOff());
            default -> {
            }
        }
        o.put("startsAt", Instant.ofEpochMilli(p.getStartsAtMs()).toString());
        o.put("endsAt", p.getEndsAtMs() == 0 ? null : Instant.ofEpochMilli(p.getEndsAtMs()).toString());
        o.put("withdrawn", p.getWithdrawn());
        o.put("version", version);
        return o;
    }

    /** A promotion as applied to a bill: id, name, amount and the share of each line it touched. */
    static ObjectNode renderApplied(AppliedPromotion a) {
        ObjectNode o = Json.object();
        o.put("id", a.getPromotionId());
        o.put("name", a.getName());
        o.put("version", a.getVersion());
        o.put("amount", a.getAmount());
        ArrayNode lines = o.putArray("lines");
        for (PromotionShare s : a.getLinesList()) {
            lines.addObject().put("lineNo", s.getLineNo()).put("amount", s.getAmount());
        }
        return o;
    }
}
