package io.storelog.config.catalog;

import java.util.Locale;
import java.util.Optional;

/** How a product is sold: by the piece, or weighed by the kilogram (price is then per kg, quantity in grams). */
public enum ItemUnit {
    EACH, KG;

    /** The lower-case form catalog files use: "each" or "kg". */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "each" or "kg" in any case; empty for anything else. */
    public static Optional<ItemUnit> parse(String text) {
        String t = text == null ? "" : text.trim();
        for (ItemUnit u : values()) {
            if (u.name().equalsIgnoreCase(t)) {
                return Optional.of(u);
            }
        }
        return Optional.empty();
    }
}
