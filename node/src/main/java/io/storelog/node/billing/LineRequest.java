package io.storelog.node.billing;

/**
 * One line as the till asks for it: SKU, quantity in thousandths, an optional line discount, an
 * optional price typed in at the till ({@code priceOverride}, minor units per unit; needs approval).
 * A line asked for by barcode carries the barcode as scanned ({@code sku} null until it is resolved,
 * and {@code qtyMilli} 0 when the till gave no quantity); once resolved it names the SKU and, for a GS1
 * in-store code that carries a price, that price ({@code embeddedPrice}, minor units per piece).
 */
public record LineRequest(String sku, long qtyMilli, DiscountSpec discount, Long priceOverride, String barcode,
        Long embeddedPrice) {
    /** A line asked for by SKU at the catalog price. */
    public LineRequest(String sku, long qtyMilli, DiscountSpec discount) {
        this(sku, qtyMilli, discount, null, null, null);
    }

    /** A line asked for by SKU with a price typed in at the till. */
    public LineRequest(String sku, long qtyMilli, DiscountSpec discount, Long priceOverride) {
        this(sku, qtyMilli, discount, priceOverride, null, null);
    }

    /** A line resolved from a barcode (with the price the code carries, if any). */
    public LineRequest(String sku, long qtyMilli, DiscountSpec discount, String barcode, Long embeddedPrice) {
        this(sku, qtyMilli, discount, null, barcode, embeddedPrice);
    }

    /** A line asked for by barcode ({@code qtyMilli} 0: none given, one piece or the weight in the code). */
    public static LineRequest scanned(String barcode, long qtyMilli, DiscountSpec discount) {
        return new LineRequest(null, qtyMilli, discount, null, barcode, null);
    }

    /** The same line with a price typed in at the till. */
    public LineRequest withPriceOverride(Long price) {
        return new LineRequest(sku, qtyMilli, discount, price, barcode, embeddedPrice);
    }
}
