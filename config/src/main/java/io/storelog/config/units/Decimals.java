package io.storelog.config.units;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * Exact conversions between decimal text and the integers StoreLog stores: money in minor units,
 * quantities in thousandths. Text never passes through {@code double}.
 */
public final class Decimals {
    /** Quantities carry at most three decimal places (grams of a kilogram). */
    public static final int QTY_SCALE = 3;
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("[+-]?[0-9]+(\\.[0-9]+)?");

    private Decimals() {
    }

    /** Parses "12.99" with exponent 2 into 1299; more places than the currency has is an error. */
    public static long parseMinor(String text, int exponent) {
        return toScaledLong(text, exponent, "amount");
    }

    /** Parses a quantity such as "1.25" into thousandths (1250); more than three places is an error. */
    public static long parseMilli(String text) {
        return toScaledLong(text, QTY_SCALE, "quantity");
    }

    /**
     * Parses plain decimal text ("12.99", "-3", "7.5") into an integer scaled by {@code 10^scale}, for input
     * files: the message names the field and quotes the text as written ("price '12.999' has more than 2
     * decimal places"). Exponents ("1e3") and bare points (".5") are refused, since no till file writes them.
     */
    public static long parseScaled(String text, int scale, String what) {
        if (text == null || text.isBlank()) {
            throw new NumberFormatException(what + " is empty");
        }
        String t = text.trim();
        if (!PLAIN_DECIMAL.matcher(t).matches()) {
            throw new NumberFormatException(what + " '" + text + "' is not a decimal number");
        }
        BigDecimal value = new BigDecimal(t);
        if (value.stripTrailingZeros().scale() > scale) {
            throw new NumberFormatException(what + " '" + text + "' has more than " + scale + " decimal places");
        }
        try {
            return value.movePointRight(scale).longValueExact();
        } catch (ArithmeticException e) {
            throw new NumberFormatException(what + " '" + text + "' is out of range");
        }
    }

    /** Converts an exact decimal into thousandths, refusing more than three places. */
    public static long toMilli(BigDecimal value) {
        return scaled(value, QTY_SCALE, "quantity");
    }

    /** Formats minor units as decimal text, e.g. 1299 with exponent 2 is "12.99". */
    public static String formatMinor(long minor, int exponent) {
        return BigDecimal.valueOf(minor, exponent).toPlainString();
    }

    /** Formats thousandths as the shortest exact decimal, e.g. 1250 is "1.25", 2000 is "2". */
    public static String formatMilli(long milli) {
        BigDecimal d = BigDecimal.valueOf(milli, QTY_SCALE).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0, RoundingMode.UNNECESSARY).toPlainString() : d.toPlainString();
    }

    /** Thousandths as an exact BigDecimal (for JSON output). */
    public static BigDecimal milliToDecimal(long milli) {
        BigDecimal d = BigDecimal.valueOf(milli, QTY_SCALE).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0, RoundingMode.UNNECESSARY) : d;
    }

    private static long toScaledLong(String text, int scale, String what) {
        if (text == null || text.isBlank()) {
            throw new NumberFormatException(what + " is empty");
        }
        BigDecimal value;
        try {
            value = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new NumberFormatException(what + " '" + text + "' is not a decimal number");
        }
        return scaled(value, scale, what);
    }

    private static long scaled(BigDecimal value, int scale, String what) {
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() > scale) {
            throw new NumberFormatException(what + " " + value.toPlainString() + " has more than " + scale + " decimal places");
        }
        try {
            return value.movePointRight(scale).longValueExact();
        } catch (ArithmeticException e) {
            throw new NumberFormatException(what + " " + value.toPlainString() + " is out of range");
        }
    }
}
