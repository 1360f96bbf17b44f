package io.storelog.config.catalog;

/** The GS1 check digit of EAN-13 barcodes (the 13th digit, guarding against a misread of the other twelve). */
public final class Ean13 {
    private Ean13() {
    }

    /** The check digit for twelve data digits: weights 1,3,1,3,... from the left, rounded up to a multiple of ten. */
    public static int checkDigit(String twelveDigits) {
        if (twelveDigits == null || !twelveDigits.matches("[0-9]{12}")) {
            throw new IllegalArgumentException("'" + twelveDigits + "' is not twelve digits");
        }
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            int d = twelveDigits.charAt(i) - '0';
            sum += (i % 2 == 0) ? d : 3 * d;
        }
        return (10 - sum % 10) % 10;
    }

    /** Twelve data digits plus their check digit. */
    public static String withCheckDigit(String twelveDigits) {
        return twelveDigits + checkDigit(twelveDigits);
    }

    /** True for thirteen digits whose last is the right check digit. */
    public static boolean isValid(String code) {
        return code != null && code.matches("[0-9]{13}")
                && checkDigit(code.substring(0, 12)) == code.charAt(12) - '0';
    }
}
