package io.storelog.node.barcode;

import io.storelog.config.BarcodeSection;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import java.util.List;
import java.util.Objects;

/**
 * Checks and decodes scanned barcodes: EAN-13, EAN-8 and UPC-A by their GS1 check digit, and GS1 in-store
 * EAN-13 codes (prefix 20-29) that the store's layout declares as price- or weight-carrying. Every
 * failure is a BAD_REQUEST naming the barcode and what is wrong with it.
 */
public final class BarcodeDecoder {
    private static final int MILLI_DECIMALS = 3;

    private final BarcodeSection layout;
    private final int currencyExponent;

    /** A decoder for the store's in-store layout; embedded prices are converted to minor units of the currency. */
    public BarcodeDecoder(BarcodeSection layout, int currencyExponent) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.currencyExponent = currencyExponent;
    }

    /** Decodes {@code code}; throws BAD_REQUEST when it is not a barcode this store reads. */
    public ScannedBarcode decode(String code) {
        if (code == null || code.isBlank()) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "barcode is empty");
        }
        if (!code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(code, "is not all digits");
        }
        return switch (code.length()) {
            case 8 -> checked(code, "EAN-8", List.of(code));
            // A UPC-A is an EAN-13 with a leading 0: catalogs hold either form.
            case 12 -> checked(code, "UPC-A", List.of(code, "0" + code));
            case 13 -> ean13(code);
            default -> throw bad(code, "has " + code.length() + " digits; EAN-13, UPC-A and EAN-8 have 13, 12 and 8");
        };
    }

    private ScannedBarcode ean13(String code) {
        if (!Gtin.checkDigitHolds(code)) {
            throw checkDigitFails(code, "EAN-13");
        }
        String prefix = code.substring(0, 2);
        if (code.charAt(0) == '0') {
            return new ScannedBarcode(code, BarcodeKind.TRADE_ITEM, List.of(code, code.substring(1)), 0);
        }
        boolean price = layout.pricePrefixes().contains(prefix);
        boolean weight = layout.weightPrefixes().contains(prefix);
        if (!price && !weight) {
            // Other in-store prefixes are the store's own item codes without a value: looked up as they are.
            return new ScannedBarcode(code, BarcodeKind.TRADE_ITEM, List.of(code), 0);
        }
        String value = code.substring(layout.valueOffset(), layout.valueOffset() + layout.valueDigits());
        if (layout.valueCheckDigit()) {
            int expected = PriceCheckDigit.of(value);
            int found = code.charAt(layout.valueCheckOffset()) - '0';
            if (expected != found) {
                throw bad(code, "has " + (price ? "price" : "weight") + " check digit " + found + " but the "
                        + (price ? "price" : "weight") + " digits " + value + " need " + expected + " (misread or forged label)");
            }
        }
        long raw = Long.parseLong(value);
        return new ScannedBarcode(code, price ? BarcodeKind.EMBEDDED_PRICE : BarcodeKind.EMBEDDED_WEIGHT,
                List.of(baseCode(code)), price ? scale(code, raw, layout.priceDecimals(), currencyExponent, "price")
                        : scale(code, raw, layout.weightDecimals(), MILLI_DECIMALS, "weight"));
    }

    /**
     * The code the catalog lists an in-store item under: the same prefix and item reference with the value
     * (and its check digit) all zero, and the EAN-13 check digit of that. Zero has price check digit 0, so
     * this is also a well-formed in-store code for a zero value.
     */
    public String baseCode(String code) {
        StringBuilder b = new StringBuilder(code.substring(0, 2 + layout.itemDigits()));
        while (b.length() < 12) {
            b.append('0');
        }
        return Gtin.withCheckDigit(b.toString());
    }

    private static ScannedBarcode checked(String code, String symbology, List<String> keys) {
        if (!Gtin.checkDigitHolds(code)) {
            throw checkDigitFails(code, symbology);
        }
        return new ScannedBarcode(code, BarcodeKind.TRADE_ITEM, keys, 0);
    }

    private static long scale(String code, long value, int fromDecimals, int toDecimals, String what) {
        long v = value;
        for (int i = fromDecimals; i < toDecimals; i++) {
            v *= 10;
        }
        for (int i = toDecimals; i < fromDecimals; i++) {
            if (v % 10 != 0) {
                throw bad(code, "carries a " + what + " with more decimals than the till keeps");
            }
            v /= 10;
        }
        return v;
    }

    private static StoreLogException checkDigitFails(String code, String symbology) {
        int expected = Gtin.checkDigit(code.substring(0, code.length() - 1));
        return bad(code, "has check digit " + code.charAt(code.length() - 1) + " but " + symbology + " "
                + code.substring(0, code.length() - 1) + " needs " + expected + " (misread or mistyped)");
    }

    static StoreLogException bad(String code, String problem) {
        return new StoreLogException(ErrorCode.BAD_REQUEST, "barcode " + code + " " + problem);
    }
}
