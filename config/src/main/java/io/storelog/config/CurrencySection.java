package io.storelog.config;

/**
 * How cash is paid in the store currency ({@code store.currency}).
 *
 * @param cashIncrement the smallest amount cash can pay, in minor units: 5 for Swiss francs
 *                      (0.05), 1 for no cash rounding (currency.cash-increment)
 */
public record CurrencySection(int cashIncrement) {
    public CurrencySection {
        Checks.range(ConfigKeys.CURRENCY_CASH_INCREMENT, cashIncrement, 1, ConfigKeys.MAX_CASH_INCREMENT);
    }

    /** Whether cash amounts are rounded at all. */
    public boolean roundsCash() {
        return cashIncrement > 1;
    }

    static CurrencySection read(RawConfig raw) {
        long increment = raw.integer(ConfigKeys.CURRENCY_CASH_INCREMENT, ConfigKeys.DEFAULT_CASH_INCREMENT);
        return new CurrencySection((int) Checks.range(ConfigKeys.CURRENCY_CASH_INCREMENT, increment, 1,
                ConfigKeys.MAX_CASH_INCREMENT));
    }
}
