package io.storelog.node.promotion;

import io.storelog.protocol.PromotionKind;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The names promotion kinds have in JSON ("multiBuy", "bundlePrice", "percentOff", "amountOff"). */
public final class PromotionKinds {
    /** Every JSON name, in the order of the kinds. */
    public static final List<String> NAMES = List.of("multiBuy", "bundlePrice", "percentOff", "amountOff");

    private PromotionKinds() {
    }

    /** The JSON name of a kind. */
    public static String name(PromotionKind kind) {
        return switch (kind) {
            case BUNDLE_PAY_FOR -> "multiBuy";
            case BUNDLE_PRICE -> "bundlePrice";
            case PERCENT_OFF -> "percentOff";
            case AMOUNT_OFF -> "amountOff";
            default -> "unknown";
        };
    }

    /** The kind a JSON name stands for (case-insensitive), or empty. */
    public static Optional<PromotionKind> parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "multibuy" -> Optional.of(PromotionKind.BUNDLE_PAY_FOR);
            case "bundleprice" -> Optional.of(PromotionKind.BUNDLE_PRICE);
            case "percentoff" -> Optional.of(PromotionKind.PERCENT_OFF);
            case "amountoff" -> Optional.of(PromotionKind.AMOUNT_OFF);
            default -> Optional.empty();
        };
    }
}
