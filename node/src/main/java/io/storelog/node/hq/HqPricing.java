package io.storelog.node.hq;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.api.Json;
import io.storelog.node.promotion.PromotionKinds;
import io.storelog.node.promotion.PromotionRules;
import io.storelog.protocol.PriceChange;
import io.storelog.protocol.Promotion;
import io.storelog.protocol.PromotionKind;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.TreeSet;

/**
 * Promotions and scheduled prices headquarters publishes, each change a catalog version of its own (as a
 * product edit is), so they reach every store through the catalog feed and replicate in its log.
 * Headquarters keeps no copy of a promotion beyond the feed: a PUT states the whole promotion.
 */
final class HqPricing {
    private final HqStore store;

    HqPricing(HqStore store) {
        this.store = store;
    }

    /** A promotion and the catalog version it was published under. */
    record PublishedPromotion(Promotion promotion, long version) {
    }

    /** A scheduled price and the catalog version it was published under. */
    record PublishedPrice(PriceChange change, long version) {
    }

    /**
     * Publishes promotion {@code id} from a JSON body: {@code name, kind, skus, startsAt, endsAt} and, by
     * kind, {@code buy, payFor} (multiBuy), {@code buy, price} (bundlePrice), {@code percent}
     * (percentOff) or {@code amount} (amountOff). Every SKU must be in the published catalog.
     */
    PublishedPromotion putPromotion(String id, JsonNode body) {
        Promotion.Builder p = Promotion.newBuilder().setId(id).setName(Json.text(body, "name", "").strip());
        String kindText = Json.text(body, "kind", "");
        PromotionKind kind = PromotionKinds.parse(kindText)
                .orElseThrow(() -> bad("kind '" + kindText + "' is not one of " + PromotionKinds.NAMES));
        p.setKind(kind);
        JsonNode skus = body.get("skus");
        if (skus == null || !skus.isArray() || skus.isEmpty()) {
            throw bad("skus must be a non-empty array of SKUs");
        }
        TreeSet<String> sorted = new TreeSet<>();
        for (int i = 0; i < skus.size(); i++) {
            JsonNode s = skus.get(i);
            if (!s.isTextual() || s.asText().isBlank()) {
                throw bad("skus[" + i + "] must be a SKU");
            }
            if (!sorted.add(s.asText())) {
                throw bad("skus[" + i + "] " + s.asText() + " is listed twice");
            }
            if (store.product(s.asText()).isEmpty()) {
                throw bad("skus[" + i + "] " + s.asText() + " is not in the published catalog");
            }
        }
        p.addAllSkus(sorted);
        switch (kind) {
            case BUNDLE_PAY_FOR -> p.setBundleQty(count(body, "buy")).setPayForQty(count(body, "payFor"));
            case BUNDLE_PRICE -> p.setBundleQty(count(body, "buy")).setBundlePrice(Json.integer(body, "price", ""));
            case PERCENT_OFF -> p.setPercentBp(percentBp(body));
            case AMOUNT_OFF -> p.setAmountOff(Json.integer(body, "amount", ""));
            default -> throw bad("kind '" + kindText + "' is not one of " + PromotionKinds.NAMES);
        }
        p.setStartsAtMs(instant(body, "startsAt", true));
        p.setEndsAtMs(instant(body, "endsAt", false));
        Promotion promotion = p.build();
        PromotionRules.problem(promotion).ifPresent(problem -> {
            throw bad(problem);
        });
        return new PublishedPromotion(promotion, publish(promotion));
    }

    /** Withdraws promotion {@code id}: from this version on it applies to nothing at any lane. */
    PublishedPromotion withdrawPromotion(String id) {
        Promotion tombstone = Promotion.newBuilder().setId(id).setWithdrawn(true).build();
        PromotionRules.problem(tombstone).ifPresent(problem -> {
            throw bad(problem);
        });
        return new PublishedPromotion(tombstone, publish(tombstone));
    }

    /**
     * Publishes a price that takes effect at an instant, from {@code {"sku", "price", "effectiveAt"}}
     * ({@code effectiveAt} ISO-8601 with an offset, e.g. 2026-12-01T00:00:00+01:00).
     */
    PublishedPrice schedulePrice(JsonNode body) {
        String sku = Json.text(body, "sku", "");
        if (store.product(sku).isEmpty()) {
            throw bad("sku " + sku + " is not in the published catalog");
        }
        long price = Json.integer(body, "price", "");
        if (price < 0) {
            throw bad("price " + price + " is negative");
        }
        PriceChange change = PriceChange.newBuilder().setSku(sku).setPrice(price)
                .setEffectiveAtMs(instant(body, "effectiveAt", true)).build();
        CatalogPublication pub = store.publishCatalog(new CatalogChange("hq", "", List.of(), List.of(), List.of(),
                List.of(change)));
        return new PublishedPrice(change, pub.version());
    }

    private long publish(Promotion promotion) {
        return store.publishCatalog(new CatalogChange("hq", "", List.of(), List.of(), List.of(promotion), List.of()))
                .version();
    }

    private static int count(JsonNode body, String field) {
        long n = Json.integer(body, field, "");
        if (n < 1 || n > PromotionRules.MAX_BUNDLE_QTY) {
            throw bad(field + " must be between 1 and " + PromotionRules.MAX_BUNDLE_QTY);
        }
        return (int) n;
    }

    private static int percentBp(JsonNode body) {
        JsonNode n = body.get("percent");
        if (n == null || !n.isNumber()) {
            throw bad("percent is required and must be a number");
        }
        BigDecimal bp = n.decimalValue().movePointRight(2);
        if (bp.stripTrailingZeros().scale() > 0 || bp.signum() <= 0 || bp.compareTo(BigDecimal.valueOf(10_000)) > 0) {
            throw bad("percent must be above 0 and at most 100 with at most two decimals");
        }
        return bp.intValueExact();
    }

    /** An ISO-8601 date-time with an offset as epoch ms; an optional field left out is 0. */
    private static long instant(JsonNode body, String field, boolean required) {
        String text = required ? Json.text(body, field, "") : Json.optText(body, field, "");
        if (text == null) {
            return 0;
        }
        try {
            long ms = OffsetDateTime.parse(text.strip()).toInstant().toEpochMilli();
            if (ms < 0) {
                throw bad(field + " '" + text + "' is before 1970");
            }
            return ms;
        } catch (DateTimeParseException | ArithmeticException e) {
            throw bad(field + " '" + text + "' is not an ISO-8601 date-time with an offset (2026-12-01T00:00:00+01:00)");
        }
    }

    private static StoreLogException bad(String message) {
        return new StoreLogException(ErrorCode.BAD_REQUEST, message);
    }
}
