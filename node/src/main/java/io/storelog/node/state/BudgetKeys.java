package io.storelog.node.state;

import java.math.BigDecimal;

/** The keys budgets are filed under ({@code sku:<sku>}, {@code refund:<billId>}, {@code card-offline}) and how to name them to people. */
public final class BudgetKeys {
    /** Key prefix of a stock budget. */
    public static final String SKU_PREFIX = "sku:";
    /** Key prefix of a bill's refund budget. */
    public static final String REFUND_PREFIX = "refund:";
    /** Key of the store-wide offline card cap. */
    public static final String CARD_OFFLINE = "card-offline";

    private BudgetKeys() {
    }

    /** The key of a SKU's stock budget. */
    public static String skuKey(String sku) {
        return SKU_PREFIX + sku;
    }

    /** The key of what can still be refunded of bill {@code billId}. */
    public static String refundKey(String billId) {
        return REFUND_PREFIX + billId;
    }

    /** Whether {@code key} is a stock budget. */
    public static boolean isSku(String key) {
        return key.startsWith(SKU_PREFIX);
    }

    /** Whether {@code key} is a bill's refund budget. */
    public static boolean isRefund(String key) {
        return key.startsWith(REFUND_PREFIX);
    }

    /** The SKU of a stock budget key, else null. */
    public static String skuOf(String key) {
        return isSku(key) ? key.substring(SKU_PREFIX.length()) : null;
    }

    /** The bill id of a refund budget key (the key must be one). */
    public static String billOf(String key) {
        return key.substring(REFUND_PREFIX.length());
    }

    /** The budget as an operator reads it: "item WINE" for a stock budget, else the key itself. */
    public static String describe(String key) {
        return isSku(key) ? "item " + skuOf(key) : key;
    }

    /** A quantity in milli-units as plain decimal text ("1.5", "12"). */
    public static String formatMilli(long milli) {
        return BigDecimal.valueOf(milli, 3).stripTrailingZeros().toPlainString();
    }
}
