package io.storelog.node.billing;

/**
 * One line as the till asks for it: SKU, quantity in thousandths, an optional line discount and an
 * optional price typed in at the till ({@code priceOverride}, minor units per unit; needs approval).
 */
public record LineRequest(String sku, long qtyMilli, DiscountSpec discount, Long priceOverride) {
    /** A line at the catalog price. */
    public LineRequest(String sku, long qtyMilli, DiscountSpec discount) {
        this(sku, qtyMilli, discount, null);
    }
}
