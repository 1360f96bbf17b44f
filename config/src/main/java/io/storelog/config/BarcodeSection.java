package io.storelog.config;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The store's layout of GS1 in-store (restricted circulation, prefix 20-29) EAN-13 barcodes, which carry
 * an item reference and a price or a weight: {@code P P I..I [C] V..V K} with a two-digit prefix, the
 * item reference, an optional check digit over the value, the value, and the EAN-13 check digit.
 *
 * @param pricePrefixes   two-digit prefixes whose value is a price in minor units (barcodes.price-prefixes)
 * @param weightPrefixes  two-digit prefixes whose value is a weight in kg (barcodes.weight-prefixes)
 * @param itemDigits      digits of item reference (barcodes.item-digits)
 * @param valueDigits     digits of price or weight (barcodes.value-digits)
 * @param valueCheckDigit whether a GS1 price/weight check digit sits before the value (barcodes.value-check-digit)
 * @param weightDecimals  decimal places of an embedded weight in kg, 3 = grams (barcodes.weight-decimals)
 * @param priceDecimals   decimal places of an embedded price (barcodes.price-decimals, default the currency's)
 */
public record BarcodeSection(Set<String> pricePrefixes, Set<String> weightPrefixes, int itemDigits, int valueDigits,
                             boolean valueCheckDigit, int weightDecimals, int priceDecimals) {
    /** Digits between the two-digit prefix and the EAN-13 check digit, shared by item, value check and value. */
    public static final int BODY_DIGITS = 10;

    public BarcodeSection {
        pricePrefixes = prefixes(ConfigKeys.BARCODES_PRICE_PREFIXES, pricePrefixes);
        weightPrefixes = prefixes(ConfigKeys.BARCODES_WEIGHT_PREFIXES, weightPrefixes);
        for (String p : pricePrefixes) {
            if (weightPrefixes.contains(p)) {
                throw ConfigException.badValue(ConfigKeys.BARCODES_WEIGHT_PREFIXES, p,
                        "is also in barcodes.price-prefixes; a prefix means price or weight, not both");
            }
        }
        Checks.range(ConfigKeys.BARCODES_ITEM_DIGITS, itemDigits, 1, BODY_DIGITS - 2);
        Checks.range(ConfigKeys.BARCODES_VALUE_DIGITS, valueDigits, 1, BODY_DIGITS - 1);
        if (valueCheckDigit && valueDigits != 4 && valueDigits != 5) {
            throw ConfigException.badValue(ConfigKeys.BARCODES_VALUE_CHECK_DIGIT, true,
                    "needs barcodes.value-digits 4 or 5 (GS1 defines the price/weight check digit for those only)");
        }
        int used = itemDigits + valueDigits + (valueCheckDigit ? 1 : 0);
        if (used != BODY_DIGITS) {
            throw ConfigException.invalid(ConfigKeys.BARCODES_VALUE_DIGITS, "item digits (" + itemDigits + ") + value digits ("
                    + valueDigits + ")" + (valueCheckDigit ? " + 1 value check digit" : "") + " must be " + BODY_DIGITS
                    + " (13 digits less the two-digit prefix and the check digit), not " + used);
        }
        Checks.range(ConfigKeys.BARCODES_WEIGHT_DECIMALS, weightDecimals, 0, 3);
        Checks.range(ConfigKeys.BARCODES_PRICE_DECIMALS, priceDecimals, 0, 6);
    }

    /** Where the value check digit is, or -1: its offset in the 13 digits. */
    public int valueCheckOffset() {
        return valueCheckDigit ? 2 + itemDigits : -1;
    }

    /** Offset of the value in the 13 digits. */
    public int valueOffset() {
        return 2 + itemDigits + (valueCheckDigit ? 1 : 0);
    }

    static BarcodeSection read(RawConfig raw, int currencyExponent) {
        List<String> price = raw.list(ConfigKeys.BARCODES_PRICE_PREFIXES);
        List<String> weight = raw.list(ConfigKeys.BARCODES_WEIGHT_PREFIXES);
        // An empty list in the file turns the kind off; an absent key takes the default.
        boolean priceSet = raw.has(ConfigKeys.BARCODES_PRICE_PREFIXES);
        boolean weightSet = raw.has(ConfigKeys.BARCODES_WEIGHT_PREFIXES);
        return new BarcodeSection(
                new TreeSet<>(priceSet ? price : ConfigKeys.DEFAULT_BARCODES_PRICE_PREFIXES),
                new TreeSet<>(weightSet ? weight : ConfigKeys.DEFAULT_BARCODES_WEIGHT_PREFIXES),
                (int) Checks.range(ConfigKeys.BARCODES_ITEM_DIGITS,
                        raw.integer(ConfigKeys.BARCODES_ITEM_DIGITS, ConfigKeys.DEFAULT_BARCODES_ITEM_DIGITS), 1, BODY_DIGITS),
                (int) Checks.range(ConfigKeys.BARCODES_VALUE_DIGITS,
                        raw.integer(ConfigKeys.BARCODES_VALUE_DIGITS, ConfigKeys.DEFAULT_BARCODES_VALUE_DIGITS), 1, BODY_DIGITS),
                raw.bool(ConfigKeys.BARCODES_VALUE_CHECK_DIGIT, ConfigKeys.DEFAULT_BARCODES_VALUE_CHECK_DIGIT),
                (int) Checks.range(ConfigKeys.BARCODES_WEIGHT_DECIMALS,
                        raw.integer(ConfigKeys.BARCODES_WEIGHT_DECIMALS, ConfigKeys.DEFAULT_BARCODES_WEIGHT_DECIMALS), 0, 3),
                (int) Checks.range(ConfigKeys.BARCODES_PRICE_DECIMALS,
                        raw.integer(ConfigKeys.BARCODES_PRICE_DECIMALS, currencyExponent), 0, 6));
    }

    private static Set<String> prefixes(String key, Set<String> given) {
        Checks.notNull(key, given);
        TreeSet<String> out = new TreeSet<>();
        for (String p : given) {
            String t = p == null ? "" : p.trim();
            if (!t.matches("2[0-9]")) {
                throw ConfigException.badValue(key, p, "is not a GS1 in-store prefix (two digits, 20 to 29)");
            }
            out.add(t);
        }
        return Set.copyOf(out);
    }
}
