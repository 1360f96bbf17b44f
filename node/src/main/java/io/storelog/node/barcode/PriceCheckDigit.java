package io.storelog.node.barcode;

/**
 * The GS1 check digit over the 4- or 5-digit price or weight inside an in-store EAN-13 (GS1 General
 * Specifications, section 7.9.3 "Check digit calculation for price/weight fields"). Each digit is
 * replaced by a weighted product from a fixed table: "2-" (times 2, tens digit subtracted from the
 * units digit), "3" (units digit of times 3), "5+" (times 5, tens digit added) and "5-" (times 5, tens
 * digit subtracted), each taken modulo 10.
 * <ul>
 * <li>4 digits, weights 2-, 2-, 3, 5-: the units digit of 3 x the sum. The specification's worked
 * example: 2875 gives 4 + 5 + 1 + 3 = 13, 13 x 3 = 39, check digit 9.</li>
 * <li>5 digits, weights 5+, 2-, 5-, 5+, 2-: the sum is taken up to the next multiple of ten, and the
 * check digit is the digit whose "5-" product equals that difference. Worked example: 14685 gives
 * 5 + 8 + 7 + 4 + 9 = 33, 40 - 33 = 7, and 6 is the digit whose 5- product is 7.</li>
 * </ul>
 */
public final class PriceCheckDigit {
    private static final int[] TWO_MINUS = {0, 2, 4, 6, 8, 9, 1, 3, 5, 7};
    private static final int[] THREE = {0, 3, 6, 9, 2, 5, 8, 1, 4, 7};
    private static final int[] FIVE_PLUS = {0, 5, 1, 6, 2, 7, 3, 8, 4, 9};
    private static final int[] FIVE_MINUS = {0, 5, 9, 4, 8, 3, 7, 2, 6, 1};

    private PriceCheckDigit() {
    }

    /** The check digit of a 4- or 5-digit price or weight. */
    public static int of(String value) {
        if (value == null || !value.matches("[0-9]{4,5}")) {
            throw new IllegalArgumentException("'" + value + "' is not a 4- or 5-digit value");
        }
        return value.length() == 4 ? fourDigit(value) : fiveDigit(value);
    }

    private static int fourDigit(String v) {
        int sum = TWO_MINUS[d(v, 0)] + TWO_MINUS[d(v, 1)] + THREE[d(v, 2)] + FIVE_MINUS[d(v, 3)];
        return sum * 3 % 10;
    }

    private static int fiveDigit(String v) {
        int sum = FIVE_PLUS[d(v, 0)] + TWO_MINUS[d(v, 1)] + FIVE_MINUS[d(v, 2)] + FIVE_PLUS[d(v, 3)] + TWO_MINUS[d(v, 4)];
        int target = (10 - sum % 10) % 10;
        for (int digit = 0; digit < 10; digit++) {
            if (FIVE_MINUS[digit] == target) {
                return digit;
            }
        }
        // FIVE_MINUS is a permutation of 0-9, so every target has exactly one digit.
        throw new IllegalStateException("no digit for " + target);
    }

    private static int d(String v, int i) {
        return v.charAt(i) - '0';
    }
}
