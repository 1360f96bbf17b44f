package io.storelog.config;

/**
 * Limits that hold offline (bounded counters, see docs/budgets.md).
 *
 * @param offlineCardCap       store-wide cap on card payments taken while the payment network is
 *                             unreachable, in minor units; 0 = no cap from config (budgets.offline-card-cap).
 *                             Only the store server mints it, once (see docs/budgets.md)
 * @param offlineAfterSeconds  a card tender not marked by the terminal counts as offline once the store
 *                             has had no contact with headquarters for this long (budgets.offline-after-seconds)
 * @param rebalanceIdleSeconds a lane that sold nothing of a budget for this long gives half its share to
 *                             the linked lane that sells and holds least; 0 = never (budgets.rebalance-idle-seconds)
 * @param askTimeoutMs         how long a lane waits for a peer to give budget (budgets.ask-timeout-ms)
 */
public record BudgetSection(long offlineCardCap, int offlineAfterSeconds, int rebalanceIdleSeconds, int askTimeoutMs) {
    public BudgetSection {
        Checks.range(ConfigKeys.BUDGETS_OFFLINE_CARD_CAP, offlineCardCap, 0, Long.MAX_VALUE / 4);
        Checks.range(ConfigKeys.BUDGETS_OFFLINE_AFTER_SECONDS, offlineAfterSeconds, 1, ConfigKeys.MAX_BUDGETS_SECONDS);
        Checks.range(ConfigKeys.BUDGETS_REBALANCE_IDLE_SECONDS, rebalanceIdleSeconds, 0, ConfigKeys.MAX_BUDGETS_SECONDS);
        Checks.range(ConfigKeys.BUDGETS_ASK_TIMEOUT_MS, askTimeoutMs, 10, ConfigKeys.MAX_ACK_TIMEOUT_MS);
    }

    static BudgetSection read(RawConfig raw) {
        long cap = raw.integer(ConfigKeys.BUDGETS_OFFLINE_CARD_CAP, 0);
        long after = raw.integer(ConfigKeys.BUDGETS_OFFLINE_AFTER_SECONDS, ConfigKeys.DEFAULT_BUDGETS_OFFLINE_AFTER_SECONDS);
        long idle = raw.integer(ConfigKeys.BUDGETS_REBALANCE_IDLE_SECONDS, ConfigKeys.DEFAULT_BUDGETS_REBALANCE_IDLE_SECONDS);
        long ask = raw.integer(ConfigKeys.BUDGETS_ASK_TIMEOUT_MS, ConfigKeys.DEFAULT_BUDGETS_ASK_TIMEOUT_MS);
        return new BudgetSection(Checks.range(ConfigKeys.BUDGETS_OFFLINE_CARD_CAP, cap, 0, Long.MAX_VALUE / 4),
                (int) Checks.range(ConfigKeys.BUDGETS_OFFLINE_AFTER_SECONDS, after, 1, ConfigKeys.MAX_BUDGETS_SECONDS),
                (int) Checks.range(ConfigKeys.BUDGETS_REBALANCE_IDLE_SECONDS, idle, 0, ConfigKeys.MAX_BUDGETS_SECONDS),
                (int) Checks.range(ConfigKeys.BUDGETS_ASK_TIMEOUT_MS, ask, 10, ConfigKeys.MAX_ACK_TIMEOUT_MS));
    }
}
