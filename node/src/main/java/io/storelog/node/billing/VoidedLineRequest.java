package io.storelog.node.billing;

/** A line the cashier took off the cart before payment: recorded on the bill, never charged. */
public record VoidedLineRequest(String sku, long qtyMilli, String reason) {
}
