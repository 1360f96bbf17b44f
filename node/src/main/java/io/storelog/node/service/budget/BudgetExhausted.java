package io.storelog.node.service.budget;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.state.BudgetKeys;

/**
 * A sale, refund or change of total refused because this lane's share of a budget does not cover it
 * and no reachable lane gave enough (HTTP 409). {@code remaining} is what the store has left of the
 * budget as this lane knows it, in the key's unit; nothing was written.
 */
public final class BudgetExhausted extends StoreLogException {
    private final String key;
    private final long remaining;

    /** Refuses {@code key} with {@code remaining} left store-wide. */
    public BudgetExhausted(String key, long remaining, String message) {
        super(ErrorCode.CONFLICT, message);
        this.key = key;
        this.remaining = remaining;
    }

    /** The budget key ({@code sku:<sku>}, {@code card-offline}, {@code refund:<billId>}). */
    public String key() {
        return key;
    }

    /** The SKU of a stock budget, else null. */
    public String sku() {
        return BudgetKeys.skuOf(key);
    }

    /** What remains store-wide as this lane knows it. */
    public long remaining() {
        return remaining;
    }
}
