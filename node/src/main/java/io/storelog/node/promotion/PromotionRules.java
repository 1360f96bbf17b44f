package io.storelog.node.promotion;

import io.storelog.protocol.Promotion;
import io.storelog.protocol.PromotionKind;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What makes a promotion well-formed and when it is live. Headquarters refuses an ill-formed one with
 * the problem named; the engine skips one that got into a log some other way, so it prices nothing.
 */
public final class PromotionRules {
    /** A bundle of more pieces than this is refused: it bounds the work per bundle. */
    public static final int MAX_BUNDLE_QTY = 1_000;
    /** A group of more SKUs than this is refused: it bounds one catalog entry. */
    public static final int MAX_SKUS = 1_000;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final long BP_ONE = 10_000;

    private PromotionRules() {
    }

    /** The first problem with {@code p}, or empty when it is well-formed. */
    public static Optional<String> problem(Promotion p) {
        if (!ID.matcher(p.getId()).matches()) {
            return Optional.of("id '" + p.getId() + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (p.getWithdrawn()) {
            // A withdrawal needs nothing but the id: it applies to nothing.
            return Optional.empty();
        }
        if (p.getName().isBlank()) {
            return Optional.of("name is missing");
        }
        if (p.getSkusCount() == 0) {
            return Optional.of("skus must name at least one SKU");
        }
        if (p.getSkusCount() > MAX_SKUS) {
            return Optional.of("skus holds " + p.getSkusCount() + " SKUs; at most " + MAX_SKUS);
        }
        for (int i = 0; i < p.getSkusCount(); i++) {
            String sku = p.getSkus(i);
            if (sku.isBlank()) {
                return Optional.of("skus[" + i + "] is blank");
            }
            if (i > 0 && p.getSkus(i - 1).compareTo(sku) >= 0) {
                return Optional.of("skus must be sorted and distinct");
            }
        }
        if (p.getEndsAtMs() != 0 && p.getEndsAtMs() <= p.getStartsAtMs()) {
            return Optional.of("endsAt must be after startsAt");
        }
        return switch (p.getKind()) {
            case BUNDLE_PAY_FOR -> bundleQty(p).or(() -> p.getPayForQty() >= 1 && p.getPayForQty() < p.getBundleQty()
                    ? Optional.empty()
                    : Optional.of("payFor must be at least 1 and less than buy (" + p.getBundleQty() + ")"));
            case BUNDLE_PRICE -> bundleQty(p).or(() -> p.getBundlePrice() >= 0
                    ? Optional.empty() : Optional.of("price " + p.getBundlePrice() + " is negative"));
            case PERCENT_OFF -> p.getPercentBp() >= 1 && p.getPercentBp() <= BP_ONE
                    ? Optional.empty() : Optional.of("percent must be above 0 and at most 100");
            case AMOUNT_OFF -> p.getAmountOff() > 0
                    ? Optional.empty() : Optional.of("amount must be positive");
            default -> Optional.of("kind must be one of " + PromotionKinds.NAMES);
        };
    }

    private static Optional<String> bundleQty(Promotion p) {
        int n = p.getBundleQty();
        return n >= 1 && n <= MAX_BUNDLE_QTY ? Optional.empty()
                : Optional.of("buy must be between 1 and " + MAX_BUNDLE_QTY + "; it is " + n);
    }

    /** Whether {@code p} applies to a sale at {@code atMs}: not withdrawn, started (inclusive), not ended (exclusive). */
    public static boolean liveAt(Promotion p, long atMs) {
        return !p.getWithdrawn() && p.getStartsAtMs() <= atMs && (p.getEndsAtMs() == 0 || atMs < p.getEndsAtMs());
    }

    /** Whether {@code p} will be live at some instant after {@code atMs} without being live now. */
    public static boolean upcomingAt(Promotion p, long atMs) {
        return !p.getWithdrawn() && p.getStartsAtMs() > atMs;
    }

    /** Whether the kind is one of the bundle kinds (piece goods only). */
    static boolean isBundle(PromotionKind kind) {
        return kind == PromotionKind.BUNDLE_PAY_FOR || kind == PromotionKind.BUNDLE_PRICE;
    }
}
