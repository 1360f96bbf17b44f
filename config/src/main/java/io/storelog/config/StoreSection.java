package io.storelog.config;

import io.storelog.config.units.Decimals;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Collections;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The store a node belongs to: its id, shared secret, business time zone, currency and tax rates.
 *
 * @param id         store id (store.id)
 * @param key        the secret every node of the store shares, if set (store.key)
 * @param timeZone   where business days start and end (store.time-zone)
 * @param currency   the store currency; money is held in its minor units (store.currency)
 * @param taxClasses tax class name to rate in basis points, 7.5% = 750 (store.tax-classes)
 */
public record StoreSection(String id, Optional<Secret> key, ZoneId timeZone, Currency currency,
                           Map<String, Integer> taxClasses) {
    /** 100% in basis points. */
    public static final int MAX_TAX_BASIS_POINTS = 10_000;
    private static final Pattern TAX_CLASS = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    public StoreSection {
        Checks.name(ConfigKeys.STORE_ID, id);
        Objects.requireNonNull(key, "key");
        Checks.notNull(ConfigKeys.STORE_TIME_ZONE, timeZone);
        Checks.notNull(ConfigKeys.STORE_CURRENCY, currency);
        checkExponent(currency);
        Checks.notNull(ConfigKeys.STORE_TAX_CLASSES, taxClasses);
        if (taxClasses.isEmpty()) {
            throw ConfigException.invalid(ConfigKeys.STORE_TAX_CLASSES, "needs at least one tax class");
        }
        taxClasses.forEach((name, rate) -> {
            if (name == null || !TAX_CLASS.matcher(name).matches()) {
                throw ConfigException.badValue(ConfigKeys.STORE_TAX_CLASSES, name,
                        "is not a tax class name (lower-case letters, digits, '_' or '-')");
            }
            if (rate == null || rate < 0 || rate > MAX_TAX_BASIS_POINTS) {
                throw ConfigException.invalid(ConfigKeys.STORE_TAX_CLASSES,
                        "class '" + name + "' rate must be between 0 and 100 percent");
            }
        });
        // Sorted so that two nodes print, hash and compare the same map the same way.
        taxClasses = Collections.unmodifiableMap(new TreeMap<>(taxClasses));
    }

    /** Digits after the decimal point of the currency (2 for EUR, 0 for JPY); prices are held in these minor units. */
    public int currencyExponent() {
        return currency.getDefaultFractionDigits();
    }

    /** The rate of a tax class in basis points, or empty for a class the store does not know. */
    public OptionalInt taxBasisPoints(String taxClass) {
        Integer bp = taxClasses.get(taxClass);
        return bp == null ? OptionalInt.empty() : OptionalInt.of(bp);
    }

    static StoreSection read(RawConfig raw) {
        String id = raw.text(ConfigKeys.STORE_ID, ConfigKeys.DEFAULT_STORE_ID).trim();
        ZoneId zone = raw.text(ConfigKeys.STORE_TIME_ZONE).map(StoreSection::zone).orElseGet(ZoneId::systemDefault);
        Currency currency = currency(raw.text(ConfigKeys.STORE_CURRENCY, ConfigKeys.DEFAULT_CURRENCY));
        Map<String, String> rates = raw.map(ConfigKeys.STORE_TAX_CLASSES).orElse(ConfigKeys.DEFAULT_TAX_CLASSES);
        Map<String, Integer> taxClasses = new TreeMap<>();
        rates.forEach((name, percent) -> taxClasses.put(name.trim(), basisPoints(name.trim(), percent)));
        return new StoreSection(id, raw.secret(ConfigKeys.STORE_KEY), zone, currency, taxClasses);
    }

    private static ZoneId zone(String text) {
        try {
            return ZoneId.of(text.trim());
        } catch (DateTimeException e) {
            throw ConfigException.badValue(ConfigKeys.STORE_TIME_ZONE, text, "is not a time zone (e.g. Europe/Berlin or UTC)");
        }
    }

    private static Currency currency(String text) {
        String code = text.trim().toUpperCase(Locale.ROOT);
        Currency c;
        try {
            c = code.matches("[A-Z]{3}") ? Currency.getInstance(code) : null;
        } catch (IllegalArgumentException e) {
            c = null;
        }
        if (c == null) {
            throw ConfigException.badValue(ConfigKeys.STORE_CURRENCY, text, "is not an ISO 4217 currency code (e.g. EUR)");
        }
        checkExponent(c);
        return c;
    }

    private static void checkExponent(Currency c) {
        // Pseudo-currencies such as XXX have no minor unit, so no price could be stored in them.
        if (c.getDefaultFractionDigits() < 0) {
            throw ConfigException.badValue(ConfigKeys.STORE_CURRENCY, c.getCurrencyCode(), "has no minor unit");
        }
    }

    /** Percent text such as "7.5" to basis points (750), exactly: a percent has at most two decimals. */
    private static int basisPoints(String name, String percent) {
        long bp;
        try {
            bp = Decimals.parseScaled(percent, 2, "rate");
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(ConfigKeys.STORE_TAX_CLASSES, "class '" + name + "' " + e.getMessage());
        }
        if (bp < 0 || bp > MAX_TAX_BASIS_POINTS) {
            throw ConfigException.invalid(ConfigKeys.STORE_TAX_CLASSES,
                    "class '" + name + "' rate '" + percent + "' is not between 0 and 100 percent");
        }
        return (int) bp;
    }
}
