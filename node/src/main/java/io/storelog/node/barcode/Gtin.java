package io.storelog.node.barcode;

/**
 * The GS1 modulo-10 check digit shared by EAN-13, EAN-8 and UPC-A (GS1 General Specifications, section
 * 7.9.1): data digits weighted 3, 1, 3, ... from the rightmost one, and the check digit brings the sum to
 * a multiple of ten. Counting from the right makes one rule serve every length, which is also why a
 * UPC-A with a leading 0 is the same number as an EAN-13.
 */
public final class Gtin {
    private Gtin() {
    }

    /** The check digit for {@code data} (all digits but the check digit). */
    public static int checkDigit(CharSequence data) {
        int sum = 0;
        int weight = 3;
        for (int i = data.length() - 1; i >= 0; i--) {
            char c = data.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("'" + data + "' is not digits");
            }
            sum += (c - '0') * weight;
            weight = 4 - weight;
        }
        return (10 - sum % 10) % 10;
    }

    /** True when the last digit of {@code code} (two or more digits) is the check digit of the others. */
    public static boolean checkDigitHolds(String code) {
        return code.length() >= 2 && code.chars().allMatch(c -> c >= '0' && c <= '9')
                && checkDigit(code.subSequence(0, code.length() - 1)) == code.charAt(code.length() - 1) - '0';
    }

    /** {@code data} followed by its check digit. */
    public static String withCheckDigit(String data) {
        return data + checkDigit(data);
    }
}
