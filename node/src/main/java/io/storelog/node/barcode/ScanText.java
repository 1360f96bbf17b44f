package io.storelog.node.barcode;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scan as the till sends it: the barcode digits, optionally preceded by a quantity multiplier the
 * cashier keyed in ({@code 3*4006381333931} for three of the same item).
 *
 * @param multiplier how many of the item, 1 when no multiplier was keyed
 * @param code       the barcode digits as scanned
 */
public record ScanText(int multiplier, String code) {
    /** Largest multiplier a cashier can key; far beyond any cart, small enough that no sum overflows. */
    public static final int MAX_MULTIPLIER = 9_999;
    private static final Pattern WITH_MULTIPLIER = Pattern.compile("\\s*([0-9]+)\\s*\\*\\s*(\\S*)\\s*");

    /** Splits {@code text} into multiplier and code; BAD_REQUEST for a zero or absurd multiplier. */
    public static ScanText parse(String text) {
        String t = text == null ? "" : text;
        Matcher m = WITH_MULTIPLIER.matcher(t);
        if (!m.matches()) {
            if (t.contains("*")) {
                throw BarcodeDecoder.bad(t.trim(), "has a multiplier that is not a whole number before '*'");
            }
            return new ScanText(1, t.trim());
        }
        String digits = m.group(1).replaceFirst("^0+(?=.)", "");
        if (digits.length() > 4 || Integer.parseInt(digits) < 1 || Integer.parseInt(digits) > MAX_MULTIPLIER) {
            throw BarcodeDecoder.bad(m.group(2), "has multiplier " + m.group(1) + "; it must be 1 to " + MAX_MULTIPLIER);
        }
        return new ScanText(Integer.parseInt(digits), m.group(2));
    }
}
