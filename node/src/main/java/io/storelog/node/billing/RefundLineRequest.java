package io.storelog.node.billing;

/** A quantity (thousandths) of one bill line to refund. */
public record RefundLineRequest(int lineNo, long qtyMilli) {
}
