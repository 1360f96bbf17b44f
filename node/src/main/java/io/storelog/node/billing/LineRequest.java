package io.storelog.node.billing;

/**
 * One line as the till asks for it: SKU, quantity in thousandths and an optional line discount. A line
 * asked for by barcode carries the barcode as scanned ({@code sku} null until it is resolved, and
 * {@code qtyMilli} 0 when the till gave no quantity); once resolved it names the SKU and, for a GS1
 * in-store code that carries a price, that price ({@code embeddedPrice}, minor units per piece).
 */
public record LineRequest(String sku, long qtyMilli, DiscountSpec discount, String barcode, Long embeddedPrice) {
    /** A line asked for by SKU. */
    public LineRequest(String sku, long qtyMilli, DiscountSpec discount) {
        this(sku, qtyMilli, discount, null, null);
    }

    /** A line asked for by barcode ({@code qtyMilli} 0: none given, one piece or the weight in the code). */
    public static LineRequest scanned(String barcode, long qtyMilli, DiscountSpec discount) {
        return new LineRequest(null, qtyMilli, discount, barcode, null);
    }
}
