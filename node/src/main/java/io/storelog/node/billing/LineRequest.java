package io.storelog.node.billing;

/** One line as the till asks for it: SKU, quantity in thousandths and an optional line discount. */
public record LineRequest(String sku, long qtyMilli, DiscountSpec discount) {
}
